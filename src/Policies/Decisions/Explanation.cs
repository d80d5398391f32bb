using System.Globalization;
using System.Text;

namespace RwAutoscaler.Policies.Decisions;

/// <summary>
/// A static sentence with numbered holes and the names of the numbers that fill them. Policies and guards
/// keep one instance per situation, so that a decision carries its numbers without formatting any text:
/// the engine allocates nothing for explanations, and the text is written only when someone reads it.
/// </summary>
public sealed class ExplanationTemplate
{
    public ExplanationTemplate(string format, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(names);
        if (names.Length > Numbers.Capacity)
        {
            throw new ArgumentException($"at most {Numbers.Capacity} numbers", nameof(names));
        }

        Format = format;
        Names = names;
        _composite = CompositeFormat.Parse(format);
    }

    private readonly CompositeFormat _composite;

    public string Format { get; }

    /// <summary>Machine-readable names of the numbers, in order (written to JSON).</summary>
    public IReadOnlyList<string> Names { get; }

    public string Render(in Numbers numbers) => string.Format(
        CultureInfo.InvariantCulture, _composite, numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5]);
}

/// <summary>Up to six numbers, inline, so that trail entries stay allocation free.</summary>
public readonly struct Numbers
{
    public const int Capacity = 6;

    private readonly double _a, _b, _c, _d, _e, _f;

    public Numbers(double a = 0, double b = 0, double c = 0, double d = 0, double e = 0, double f = 0)
    {
        _a = a; _b = b; _c = c; _d = d; _e = e; _f = f;
    }

    public double this[int index] => index switch
    {
        0 => _a,
        1 => _b,
        2 => _c,
        3 => _d,
        4 => _e,
        5 => _f,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };
}
