using System.Globalization;
using System.Text;

namespace RwAutoscaler.Policies.Configuration;

/// <summary>Durations written the way Kubernetes users write them: <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>500ms</c>.</summary>
public static class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (text == "0")
        {
            return true;
        }

        var total = 0.0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            double? seconds = text.AsSpan(unitStart, i - unitStart) switch
            {
                "ms" => number / 1000,
                "s" => number,
                "m" => number * 60,
                "h" => number * 3600,
                "d" => number * 86400,
                _ => null,
            };
            if (seconds is null)
            {
                return false;
            }

            total += seconds.Value;
        }

        value = TimeSpan.FromSeconds(total);
        return true;
    }

    /// <summary>The shortest form that parses back to the same value: <c>90s</c> becomes <c>1m30s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new StringBuilder();
        if (value.Days > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Days}d");
        }

        if (value.Hours > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Hours}h");
        }

        if (value.Minutes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Minutes}m");
        }

        if (value.Seconds > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Seconds}s");
        }

        if (value.Milliseconds > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Milliseconds}ms");
        }

        return text.ToString();
    }
}
