using System.Globalization;
using System.Net;
using System.Text;

namespace RwAutoscaler.Simulator.Reporting;

/// <summary>
/// Cost against SLO violation as inline SVG: the clairvoyant frontier as a line through its points (and, when it was
/// searched, the frontier within the compactor rescale limit, dashed), every policy as a labelled dot, and the
/// free-rescale floor as a dashed line. Violation runs on a square-root scale so
/// that the points near zero, where the choices are, do not crowd into the corner.
/// </summary>
internal static class FrontierChart
{
    private const int Width = 900;
    private const int Height = 320;
    private const int Left = 64;
    private const int Right = 16;
    private const int Top = 12;
    private const int Bottom = 40;

    public static string Render(ScenarioOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var frontier = outcome.Frontier.Points;
        var limited = outcome.Frontier.WithinCompactorLimit;
        var curves = limited is null ? frontier : frontier.Concat(limited.Frontier.Points).ToList();
        var runs = outcome.Runs;
        var floor = outcome.Plan.Bound.CoreHours;
        var maxViolation = Math.Max(1, runs.Select(r => r.Scores.ViolationSeconds).Concat(curves.Select(p => p.ViolationSeconds)).Max());
        var maxCost = 1.08 * Math.Max(floor, runs.Select(r => r.Scores.CoreHours).Concat(curves.Select(p => p.CoreHours)).Max());
        double X(double violation) => Left + ((Width - Left - Right) * Math.Sqrt(violation / maxViolation));
        double Y(double cost) => Top + ((Height - Top - Bottom) * (1 - (cost / maxCost)));

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"cost against SLO violation\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#ccc\"/>");
        foreach (var share in new[] { 0.0, 0.25, 0.5, 0.75, 1.0 })
        {
            var v = maxViolation * share * share;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(v):0.#}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\">{Format.Duration(v)}</text>");
            var c = maxCost * share;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{Y(c) + 3:0.#}\" text-anchor=\"end\">{Format.Number(c, "0")}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Width + Left) / 2}\" y=\"{Height - 6}\" text-anchor=\"middle\">time with the SLO violated (square-root scale)</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"12\" y=\"{(Height - Bottom + Top) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 12 {(Height - Bottom + Top) / 2})\">core-hours</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(floor):0.#}\" y2=\"{Y(floor):0.#}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right - 4}\" y=\"{Y(floor) - 4:0.#}\" text-anchor=\"end\">free-rescale floor</text>");
        Curve(svg, frontier, X, Y, "#2ca02c", dashed: false, "clairvoyant frontier", below: false);
        if (limited is not null)
        {
            Curve(svg, limited.Frontier.Points, X, Y, "#ff7f0e", dashed: true, $"within {Format.Number(limited.CompactorRescalesPerHour, "0.##")} compactor rescales/h", below: true);
        }

        foreach (var run in runs)
        {
            var ours = ReferenceEquals(run, outcome.Ours);
            var x = X(run.Scores.ViolationSeconds);
            var y = Y(run.Scores.CoreHours);
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"{(ours ? 5 : 4)}\" fill=\"{(ours ? "#d62728" : "#1f77b4")}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 7:0.#}\" y=\"{y + 4:0.#}\"{(ours ? " font-weight=\"bold\"" : "")}>{WebUtility.HtmlEncode(run.Policy)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    // Chords between the points: the cost a frontier is read at between two schedules.
    private static void Curve(StringBuilder svg, IReadOnlyList<Frontier.FrontierPoint> points, Func<double, double> x, Func<double, double> y, string colour, bool dashed, string label, bool below)
    {
        if (points.Count == 0)
        {
            return;
        }

        var path = string.Join(' ', points.Select((p, i) => $"{(i == 0 ? 'M' : 'L')}{x(p.ViolationSeconds).ToString("0.#", CultureInfo.InvariantCulture)},{y(p.CoreHours).ToString("0.#", CultureInfo.InvariantCulture)}"));
        svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path} H{Width - Right}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{(dashed ? " stroke-dasharray=\"6 3\"" : "")}/>");
        foreach (var p in points)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x(p.ViolationSeconds):0.#}\" cy=\"{y(p.CoreHours):0.#}\" r=\"2.5\" fill=\"{colour}\"/>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x(points[0].ViolationSeconds) + 6:0.#}\" y=\"{y(points[0].CoreHours) + (below ? 14 : -6):0.#}\" fill=\"{colour}\">{WebUtility.HtmlEncode(label)}</text>");
    }
}
