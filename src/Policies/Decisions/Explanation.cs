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
        UnitFormatter.Instance, _composite, numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5]);
}

/// <summary>
/// The number formats of explanations: .NET's own (invariant culture), plus <c>{0:bytes}</c> for a byte count in SI
/// units ("4 GB") and <c>{0:FORMAT|unit}</c> for a count with its unit, plural unless it is exactly one
/// ("1 replica", "1.5 cores").
/// </summary>
internal sealed class UnitFormatter : IFormatProvider, ICustomFormatter
{
    public static readonly UnitFormatter Instance = new();

    private static readonly string[] ByteUnits = ["bytes", "kB", "MB", "GB", "TB", "PB"];

    public object? GetFormat(Type? formatType) => formatType == typeof(ICustomFormatter) ? this : CultureInfo.InvariantCulture.GetFormat(formatType);

    public string Format(string? format, object? arg, IFormatProvider? formatProvider)
    {
        if (arg is not double value)
        {
            return arg is IFormattable f ? f.ToString(format, CultureInfo.InvariantCulture) : arg?.ToString() ?? "";
        }

        if (format == "bytes")
        {
            var unit = 0;
            var scaled = value;
            while (Math.Abs(scaled) >= 1000 && unit < ByteUnits.Length - 1)
            {
                scaled /= 1000;
                unit++;
            }

            return unit > 0 ? $"{scaled.ToString("0.#", CultureInfo.InvariantCulture)} {ByteUnits[unit]}"
                : value == 1 ? "1 byte" : $"{value.ToString("0", CultureInfo.InvariantCulture)} bytes";
        }

        if (format?.IndexOf('|', StringComparison.Ordinal) is int bar and >= 0)
        {
            var text = value.ToString(bar == 0 ? "0.###" : format[..bar], CultureInfo.InvariantCulture);
            var noun = format[(bar + 1)..];
            return text == "1" ? $"{text} {noun}" : $"{text} {noun}s";
        }

        return value.ToString(format, CultureInfo.InvariantCulture);
    }
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
