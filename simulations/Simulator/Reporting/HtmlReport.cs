using System.Globalization;
using System.Net;
using System.Text;
using RwAutoscaler.Simulator.Running;

namespace RwAutoscaler.Simulator.Reporting;

/// <summary>
/// One self-contained HTML page per scenario (no scripts, styles or images from elsewhere): the summary table and,
/// per policy, a lane of inline SVG charts: load against capacity, replicas per component, lag and barrier latency.
/// Load shares one scale (the workload is the same); replicas and delays are scaled to each lane, so that a policy
/// that stays small is not drawn flat beside one that does not: read the axis before comparing lanes.
/// </summary>
internal static class HtmlReport
{
    /// <summary>The page style every report of the project shares (the dry-run report uses it too).</summary>
    internal const string Css = """
        body{font:13px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#222;max-width:1000px}
        h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}h3{font-size:14px;margin:18px 0 4px}
        table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 7px;text-align:right}
        th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.muted{color:#666}
        svg{display:block;margin:2px 0}svg text{font-size:10px;fill:#444}dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px}
        dt{color:#666}dd{margin:0}.ours{font-weight:bold}
        """;

    public static string Render(ScenarioOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var plan = outcome.Plan;
        var scenario = plan.Scenario;
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append(CultureInfo.InvariantCulture, $"<title>{E(scenario.Name)}: autoscaler simulation</title><style>{Css}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{E(scenario.Name)}</h1>");
        if (scenario.Description.Length > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{E(scenario.Description)}</p>");
        }

        var slo = string.Join(", ", new[]
        {
            scenario.Slo.BarrierLatency is { } l ? $"barrier latency p99 <= {Format.Duration(l.TotalSeconds)}" : null,
            scenario.Slo.LagSeconds is { } g ? $"source lag <= {Format.Duration(g.TotalSeconds)}" : null,
        }.Where(s => s is not null));
        html.Append("<dl>");
        Item(html, "workload", $"{scenario.Workload.Describe()}, peak {Format.Count(plan.Workload.Peak)}/s, mean {Format.Count(plan.Workload.Mean)}/s");
        Item(html, "simulated", $"{Format.Duration(plan.Workload.Duration.TotalSeconds)} in {plan.Workload.Values.Length:N0} steps of {Format.Duration(scenario.Step.TotalSeconds)}");
        Item(html, "SLO", slo);
        Item(html, "lower bound", $"{Format.Number(plan.Bound.CoreHours, "0")} core-hours (compute {Format.Number(plan.Bound.ComputeReplicaHours, "0")} replica-h, compactor {Format.Number(plan.Bound.CompactorReplicaHours, "0")} replica-h), at most {plan.Bound.PeakCompute} compute replicas; ignores rescale costs");
        Item(html, "scenario file", scenario.Source);
        html.Append("</dl>");

        html.Append("<h2>Scores</h2><table><tr><th>policy</th><th>SLO violated</th><th>share of time</th><th>p99 barrier latency</th><th>max lag</th>"
            + "<th>compute replica-h</th><th>compactor replica-h</th><th>cost / frontier</th><th>cost / floor</th><th>rescales</th><th>converged after a step (mean / max)</th></tr>");
        foreach (var run in outcome.Runs)
        {
            var s = run.Scores;
            var css = ReferenceEquals(run, outcome.Ours) ? " class=\"ours\"" : "";
            html.Append(CultureInfo.InvariantCulture, $"<tr{css}><td>{E(run.Policy)}</td><td>{Format.Duration(s.ViolationSeconds)}</td><td>{Format.Percent(s.ViolationFraction)}</td>"
                + $"<td>{Format.Duration(s.P99BarrierLatencySeconds)}</td><td>{Format.Duration(s.MaxLagSeconds)}</td><td>{Format.Number(s.ComputeReplicaHours, "0")}</td>"
                + $"<td>{Format.Number(s.CompactorReplicaHours, "0")}</td><td>{(outcome.FrontierRatio(run) is { } f ? Format.Ratio(f) : "-")}</td><td>{Format.Ratio(s.CostRatio)}</td><td>{s.ComputeRescales} + {s.CompactorRescales}</td>"
                + $"<td>{Convergence(s)}</td></tr>");
        }

        html.Append("</table><p class=\"muted\">Rescales: compute + compactor. Cost counts every pod that exists, in core-hours. Cost / frontier: over the cheapest "
            + "clairvoyant schedule found with as much violation (- where none violates as little); cost / floor: over the per-step sizing with free rescales. "
            + "Converged: replicas unchanged and the SLO met for 10 minutes after a load step.</p>");
        html.Append(CultureInfo.InvariantCulture, $"<h2>Cost against violation</h2>{FrontierChart.Render(outcome)}");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">The frontier: {outcome.Frontier.Points.Count} schedules that know the whole workload, decide every step and pay every rescale cost of the model, found in {Format.Duration(outcome.Frontier.Elapsed.TotalSeconds)}; a policy's distance above the green line at its own violation is what it costs beyond what the stream needs.</p>");
        html.Append("<h2>Over time</h2>");
        var steps = plan.Workload.Values.Length;
        var loadMax = 1.05 * Math.Max(plan.Workload.Peak, outcome.Runs.Where(r => r.Timeline is not null).Select(r => (double)r.Timeline!.Capacity.Max()).DefaultIfEmpty(0).Max());
        var sloMax = Math.Max(scenario.Slo.BarrierLatency?.TotalSeconds ?? 0, scenario.Slo.LagSeconds?.TotalSeconds ?? 0);
        var bound = plan.Bound.Compute.Select(n => (float)n).ToArray();
        foreach (var run in outcome.Runs)
        {
            if (run.Timeline is not { } t)
            {
                continue;
            }

            html.Append(CultureInfo.InvariantCulture, $"<h3>{E(run.Policy)}</h3>");
            var replicaMax = 1.1 * Math.Max(bound.DefaultIfEmpty(1).Max(), Math.Max(t.ComputePods.Max(), t.CompactorPods.Max()));
            var observed = Math.Max(t.LagSeconds.Max(), t.BarrierLatency.Max());
            var delayMax = Math.Max(2 * sloMax, Math.Min(observed * 1.05, 10 * sloMax));
            var load = new SvgChart("load vs capacity", steps, scenario.Step, loadMax, "/s", "events per second");
            load.Series(t.Ingest, "ingest", "#1f77b4", SvgChart.Aggregate.Max, fill: true);
            load.Series(t.Capacity, "capacity", "#d62728", SvgChart.Aggregate.Min);
            html.Append(load.Render());
            var replicas = new SvgChart("replicas", steps, scenario.Step, replicaMax, "", "replicas", integers: true);
            replicas.Series(bound, "lower bound", "#999", SvgChart.Aggregate.Max, dashed: true);
            replicas.Series(t.ComputePods, "compute", "#2ca02c", SvgChart.Aggregate.Max);
            replicas.Series(t.ComputeReady, "compute ready", "#98df8a", SvgChart.Aggregate.Min, dashed: true);
            replicas.Series(t.CompactorPods, "compactor", "#9467bd", SvgChart.Aggregate.Max);
            html.Append(replicas.Render());
            var delay = new SvgChart("lag and latency", steps, scenario.Step, delayMax, "s", "seconds");
            delay.Series(t.LagSeconds, "source lag", "#ff7f0e", SvgChart.Aggregate.Max);
            delay.Series(t.BarrierLatency, "barrier latency p99", "#8c564b", SvgChart.Aggregate.Max);
            if (scenario.Slo.LagSeconds is { } lag)
            {
                delay.Reference(lag.TotalSeconds, "lag SLO", "#ff7f0e");
            }

            if (scenario.Slo.BarrierLatency is { } latency)
            {
                delay.Reference(latency.TotalSeconds, "latency SLO", "#8c564b");
            }

            html.Append(delay.Render());
        }

        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Charts show the highest value per pixel column (capacity: the lowest). Each lane has its own replica and delay axis; lag and latency axes stop at 10 times the SLO ({Format.Duration(10 * sloMax)}), and a line cut there is marked on the top edge and in its legend. Generated by <code>autoscaler simulate</code>.</p>");
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static string Convergence(Scoring.Scores s) => s.LoadSteps == 0
        ? "no load step"
        : $"{Format.Duration(s.ConvergenceMeanSeconds)} / {Format.Duration(s.ConvergenceMaxSeconds)}" + (s.Unconverged > 0 ? $" ({s.Unconverged} of {s.LoadSteps} never)" : "");

    private static void Item(StringBuilder html, string name, string value) =>
        html.Append(CultureInfo.InvariantCulture, $"<dt>{E(name)}</dt><dd>{E(value)}</dd>");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
