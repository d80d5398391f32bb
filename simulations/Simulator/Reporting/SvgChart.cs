using System.Globalization;
using System.Net;
using System.Text;

namespace RwAutoscaler.Simulator.Reporting;

/// <summary>
/// A small line chart as inline SVG: series over the run's steps, downsampled to the pixel width. The y axis runs from 0
/// to a round number at least <c>yMax</c>, with ticks at round values labelled exactly; both axes have titles; a
/// series that goes above the axis is drawn to its top and marked there, and its legend says where it was cut.
/// </summary>
internal sealed class SvgChart
{
    public const int Width = 960;
    public const int Height = 166;
    private const int Left = 70, Right = 8, Top = 18, Bottom = 34;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly StringBuilder _body = new();
    private readonly List<(string Label, string Color, bool Dashed)> _legend = [];
    private readonly string _title;
    private readonly int _steps;
    private readonly TimeSpan _step;
    private readonly double _yMax;
    private readonly double _yTick;
    private readonly string _yUnit;
    private readonly string _yTitle;

    /// <param name="yUnit">Written after each tick label ("/s", "s"); <paramref name="yTitle"/> names the axis ("events per second").</param>
    /// <param name="integers">Ticks at whole numbers only (replica counts).</param>
    public SvgChart(string title, int steps, TimeSpan step, double yMax, string yUnit, string yTitle, bool integers = false)
    {
        _title = title;
        _steps = steps;
        _step = step;
        (_yMax, _yTick) = Scale(yMax, integers);
        _yUnit = yUnit;
        _yTitle = yTitle;
    }

    /// <summary>The top of the y axis: a round number at least the value asked for.</summary>
    public double YMax => _yMax;

    public enum Aggregate
    {
        Max,
        Min,
    }

    private static double PlotWidth => Width - Left - Right;

    private static double PlotHeight => Height - Top - Bottom;

    public void Series(ReadOnlySpan<float> values, string label, string color, Aggregate aggregate, bool fill = false, bool dashed = false)
    {
        var points = Downsample(values, aggregate);
        if (points.Count == 0)
        {
            return;
        }

        // Where the series leaves the chart, a thick mark on the top edge: a flat line there must not read as a value.
        var clipped = false;
        foreach (var (x0, x1, v) in points)
        {
            if (v > _yMax)
            {
                clipped = true;
                _body.Append(Invariant, $"<line x1=\"{X(x0):0.#}\" x2=\"{Math.Max(X(x1), X(x0) + 1):0.#}\" y1=\"{Top + 1}\" y2=\"{Top + 1}\" stroke=\"{color}\" stroke-width=\"4\"/>");
            }
        }

        if (clipped)
        {
            label += $" (cut at {Tick(_yMax)}{_yUnit})";
        }

        var path = new StringBuilder();
        for (var i = 0; i < points.Count; i++)
        {
            var (x0, x1, v) = points[i];
            var y = Y(v);
            path.Append(i == 0 ? 'M' : 'L').Append(X(x0).ToString("0.#", Invariant)).Append(',').Append(y.ToString("0.#", Invariant));
            path.Append('L').Append(X(x1).ToString("0.#", Invariant)).Append(',').Append(y.ToString("0.#", Invariant));
        }

        if (fill)
        {
            var closed = $"{path}L{X(points[^1].X1).ToString("0.#", Invariant)},{Y(0).ToString("0.#", Invariant)}L{X(points[0].X0).ToString("0.#", Invariant)},{Y(0).ToString("0.#", Invariant)}Z";
            _body.Append(Invariant, $"<path d=\"{closed}\" fill=\"{color}\" fill-opacity=\"0.25\" stroke=\"none\"/>");
        }

        var dash = dashed ? " stroke-dasharray=\"4 3\"" : "";
        _body.Append(Invariant, $"<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.2\"{dash}/>");
        _legend.Add((label, color, dashed));
    }

    /// <summary>Shades the steps where <paramref name="flags"/> is set (periods such as gaps), over the whole height.</summary>
    public void Band(ReadOnlySpan<bool> flags, string label, string color)
    {
        var any = false;
        var start = -1;
        for (var i = 0; i <= flags.Length; i++)
        {
            var on = i < flags.Length && flags[i];
            if (on && start < 0)
            {
                start = i;
            }
            else if (!on && start >= 0)
            {
                var x0 = X(start);
                var width = Math.Max(1, X(i) - x0);
                _body.Append(Invariant, $"<rect x=\"{x0:0.#}\" y=\"{Top}\" width=\"{width:0.#}\" height=\"{PlotHeight}\" fill=\"{color}\" fill-opacity=\"0.18\"/>");
                start = -1;
                any = true;
            }
        }

        if (any)
        {
            _legend.Add((label, color, false));
        }
    }

    public void Reference(double value, string label, string color)
    {
        if (value > _yMax)
        {
            return;
        }

        var y = Y(value).ToString("0.#", Invariant);
        _body.Append(Invariant, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{color}\" stroke-dasharray=\"2 2\"/>");
        _legend.Add((label, color, true));
    }

    public string Render()
    {
        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\">");
        svg.Append(Invariant, $"<title>{WebUtility.HtmlEncode(_title)}</title>");
        svg.Append(Invariant, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{PlotWidth}\" height=\"{PlotHeight}\" fill=\"#fafafa\" stroke=\"#ddd\"/>");
        for (var value = 0.0; value <= _yMax + (_yTick / 1000); value += _yTick)
        {
            var y = Y(value).ToString("0.#", Invariant);
            svg.Append(Invariant, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#eee\"/>");
            svg.Append(Invariant, $"<text x=\"{Left - 4}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"middle\">{Tick(value)}{WebUtility.HtmlEncode(_yUnit)}</text>");
        }

        var middle = (Top + (PlotHeight / 2)).ToString("0.#", Invariant);
        svg.Append(Invariant, $"<text x=\"12\" y=\"{middle}\" transform=\"rotate(-90 12 {middle})\" text-anchor=\"middle\">{WebUtility.HtmlEncode(_yTitle)}</text>");
        var hours = _steps * _step.TotalHours;
        var tick = NiceTick(hours);
        for (var h = 0.0; h <= hours + 1e-9; h += tick)
        {
            var x = X(h / _step.TotalHours).ToString("0.#", Invariant);
            svg.Append(Invariant, $"<text x=\"{x}\" y=\"{Top + PlotHeight + 13:0.#}\" text-anchor=\"middle\">{Format.Number(h, "0.##")}h</text>");
        }

        svg.Append(Invariant, $"<text x=\"{Left + (PlotWidth / 2):0.#}\" y=\"{Height - 4}\" text-anchor=\"middle\">time since the start (hours)</text>");
        svg.Append(_body);
        var legendX = Left + 4.0;
        svg.Append(Invariant, $"<text x=\"{Left}\" y=\"12\" font-weight=\"bold\">{WebUtility.HtmlEncode(_title)}</text>");
        legendX += (_title.Length * 6.5) + 12;
        foreach (var (label, color, dashed) in _legend)
        {
            var dash = dashed ? " stroke-dasharray=\"4 3\"" : "";
            svg.Append(Invariant, $"<line x1=\"{legendX:0.#}\" x2=\"{legendX + 16:0.#}\" y1=\"8\" y2=\"8\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>");
            svg.Append(Invariant, $"<text x=\"{legendX + 20:0.#}\" y=\"12\">{WebUtility.HtmlEncode(label)}</text>");
            legendX += 28 + (label.Length * 6.2);
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>
    /// Round axis: the top is the first multiple of a 1, 2 or 5 x 10^k step at or above <paramref name="max"/>, in at most
    /// four steps (whole steps for counts), so every tick label is the exact value of its gridline.
    /// </summary>
    internal static (double Max, double Tick) Scale(double max, bool integers)
    {
        max = double.IsFinite(max) && max > 0 ? max : 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max / 4)));
        foreach (var multiple in new[] { 1.0, 2, 2.5, 5, 10, 20 })
        {
            var tick = multiple * magnitude;
            if (integers && tick < 1)
            {
                continue;
            }

            if (integers && tick % 1 != 0)
            {
                continue;
            }

            if (Math.Ceiling((max / tick) - 1e-9) <= 4)
            {
                return (Math.Ceiling((max / tick) - 1e-9) * tick, tick);
            }
        }

        return (max, max);
    }

    // A tick's label: short, and exact for the round values Scale gives.
    private static string Tick(double value) => value switch
    {
        >= 1e9 => (value / 1e9).ToString("0.##", Invariant) + "G",
        >= 1e6 => (value / 1e6).ToString("0.##", Invariant) + "M",
        >= 1e4 => (value / 1e3).ToString("0.##", Invariant) + "k",
        _ => value.ToString("0.###", Invariant),
    };

    private static double NiceTick(double hours)
    {
        foreach (var candidate in new[] { 0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 168 })
        {
            if (hours / candidate <= 12)
            {
                return candidate;
            }
        }

        return 336;
    }

    private double X(double stepIndex) => Left + (PlotWidth * stepIndex / Math.Max(1, _steps));

    private double Y(double value) => Top + PlotHeight - (PlotHeight * Math.Clamp(value / _yMax, 0, 1));

    private List<(double X0, double X1, double Value)> Downsample(ReadOnlySpan<float> values, Aggregate aggregate)
    {
        var count = Math.Min(values.Length, _steps);
        var buckets = Math.Min(count, (int)PlotWidth);
        var points = new List<(double, double, double)>(buckets);
        for (var b = 0; b < buckets; b++)
        {
            var from = (int)((long)b * count / buckets);
            var to = (int)((long)(b + 1) * count / buckets);
            var value = (double)values[from];
            for (var i = from + 1; i < to; i++)
            {
                value = aggregate == Aggregate.Max ? Math.Max(value, values[i]) : Math.Min(value, values[i]);
            }

            points.Add((from, to, value));
        }

        return points;
    }
}
