using System.Globalization;

namespace RwAutoscaler.Simulator.Reporting;

/// <summary>How numbers read in tables: short, invariant, with units.</summary>
internal static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Duration(double seconds)
    {
        if (double.IsNaN(seconds))
        {
            return "-";
        }

        return seconds switch
        {
            < 1 and > 0 => seconds.ToString("0.##", Invariant) + "s",
            < 120 => seconds.ToString("0", Invariant) + "s",
            < 7200 => (seconds / 60).ToString("0.#", Invariant) + "m",
            _ => (seconds / 3600).ToString("0.#", Invariant) + "h",
        };
    }

    public static string Duration(double? seconds) => seconds is { } s ? Duration(s) : "-";

    public static string Percent(double fraction) => fraction switch
    {
        0 => "0%",
        < 0.001 => "<0.1%",
        _ => (fraction * 100).ToString("0.0", Invariant) + "%",
    };

    public static string Ratio(double ratio) => double.IsFinite(ratio) ? ratio.ToString("0.00", Invariant) + "x" : "-";

    public static string Number(double value, string format = "0.#") => value.ToString(format, Invariant);

    public static string Count(double value) => value switch
    {
        >= 1e9 => (value / 1e9).ToString("0.#", Invariant) + "G",
        >= 1e6 => (value / 1e6).ToString("0.#", Invariant) + "M",
        >= 1e4 => (value / 1e3).ToString("0", Invariant) + "k",
        _ => value.ToString("0", Invariant),
    };
}
