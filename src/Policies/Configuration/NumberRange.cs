using System.Globalization;

namespace RwAutoscaler.Policies.Configuration;

/// <summary>An interval a number must fall in, described the way the error messages print it: <c>(0, 1]</c>.</summary>
public readonly record struct NumberRange(double Min, double Max, bool MinOpen = false, bool MaxOpen = false)
{
    public static NumberRange NonNegative { get; } = new(0, double.PositiveInfinity, MaxOpen: true);

    public static NumberRange Positive { get; } = new(0, double.PositiveInfinity, MinOpen: true, MaxOpen: true);

    /// <summary>(0, 1]: ratios such as a target utilization.</summary>
    public static NumberRange UnitOpenClosed { get; } = new(0, 1, MinOpen: true);

    /// <summary>[0, 1].</summary>
    public static NumberRange Unit { get; } = new(0, 1);

    public bool Contains(double value) =>
        (MinOpen ? value > Min : value >= Min) && (MaxOpen ? value < Max : value <= Max);

    public override string ToString()
    {
        var low = (MinOpen ? "(" : "[") + Show(Min);
        var high = double.IsPositiveInfinity(Max) ? "inf)" : Show(Max) + (MaxOpen ? ")" : "]");
        return $"{low}, {high}";
    }

    private static string Show(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
