using System.Globalization;
using System.Net;
using System.Text;
using RwAutoscaler.Autoscaler.Recording;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Simulator.Reporting;

namespace RwAutoscaler.Autoscaler.DryRun;

/// <summary>
/// The dry-run as one self-contained HTML page, in the simulator's report style: the summary, the recorded load,
/// lag and latency, then one lane per policy with the replicas it would have set against those the cluster had,
/// under-provisioned periods and gaps shaded.
/// </summary>
internal static class DryRunHtmlReport
{
    public static string Render(Recording.Recording recording, IReadOnlyList<DryRunResult> results)
    {
        var html = new StringBuilder();
        var steps = recording.Count;
        html.Append(CultureInfo.InvariantCulture, $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(recording.Cluster)}: autoscaler dry-run</title><style>{HtmlReport.Css}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{E(recording.Cluster)}: dry-run</h1><dl>");
        Item(html, "recorded", $"{recording.Start:u} to {recording.End:u}, {steps:N0} steps of {Durations.Format(recording.Step)}");
        Item(html, "source", recording.Source.Length > 0 ? recording.Source : "(unknown)");
        Item(html, "method", "open loop: each step the engine sees the recorded signals and the replicas the cluster had, and its decision is not acted on");
        html.Append("</dl><h2>Summary</h2><table><tr><th>policy</th><th>component</th><th>actual replica-h</th><th>policy replica-h</th><th>saved (-) / added (+)</th><th>changes</th><th>under-provisioned</th><th>gaps</th></tr>");
        foreach (var result in results)
        {
            foreach (var c in result.Components)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{E(result.Policy)}</td><td>{E(c.Component.ToString())}</td><td>{Format.Number(c.ActualReplicaHours, "0.#")}</td><td>{Format.Number(c.PolicyReplicaHours, "0.#")}</td>"
                    + $"<td>{(c.ReplicaHoursDelta >= 0 ? "+" : "")}{Format.Number(c.ReplicaHoursDelta, "0.#")}</td><td>{c.Decisions.Length}</td>"
                    + $"<td>{Format.Duration(c.UnderProvisionedTime.TotalSeconds)} in {c.UnderProvisioned.Length}</td><td>{Format.Duration(c.Gaps.Sum(g => g.Duration.TotalSeconds))} in {c.Gaps.Length}</td></tr>");
            }
        }

        html.Append("</table><p class=\"muted\">Under-provisioned: the policy had fewer replicas than the cluster and fewer than its busy time needed, or the cluster was back-pressured, lagging further, or in compaction write-stop even with more. Gaps: steps without data; the decision was held.</p>");

        html.Append("<h2>What the cluster saw</h2>");
        var ingest = Series(recording, ComponentKey.Compute, Signal.IngestRate);
        var processed = Series(recording, ComponentKey.Compute, Signal.ProcessedRate);
        var load = new SvgChart("load", steps, recording.Step, 1.05 * Math.Max(Max(ingest), Max(processed)), "/s", "events per second");
        load.Series(ingest, "ingest", "#1f77b4", SvgChart.Aggregate.Max, fill: true);
        load.Series(processed, "processed", "#2ca02c", SvgChart.Aggregate.Min);
        html.Append(load.Render());
        var lag = Series(recording, ComponentKey.Compute, Signal.SourceLagSeconds);
        var latency = Series(recording, ComponentKey.Compute, Signal.BarrierLatencyP99);
        var delay = new SvgChart("lag and latency", steps, recording.Step, 1.05 * Math.Max(1, Math.Max(Max(lag), Max(latency))), "s", "seconds");
        delay.Series(lag, "source lag", "#ff7f0e", SvgChart.Aggregate.Max);
        delay.Series(latency, "barrier latency p99", "#8c564b", SvgChart.Aggregate.Max);
        html.Append(delay.Render());

        html.Append("<h2>Replicas, per policy</h2>");
        foreach (var result in results)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>{E(result.Policy)}</h3>");
            foreach (var c in result.Components)
            {
                var actual = c.Actual.Select(v => (float)v).ToArray();
                var policy = c.Policy.Select(v => (float)v).ToArray();
                var under = new bool[steps];
                foreach (var period in c.UnderProvisioned)
                {
                    for (var i = Index(recording, period.Start); i < Index(recording, period.End); i++)
                    {
                        under[i] = true;
                    }
                }

                var chart = new SvgChart(c.Component.ToString(), steps, recording.Step, 1.15 * Math.Max(1, Math.Max(Max(actual), policy.DefaultIfEmpty(0).Max())), "", "replicas", integers: true);
                chart.Band(under, "under-provisioned", "#d62728");
                chart.Band(c.Gap, "gap", "#7f7f7f");
                chart.Series(actual, "actual", "#7f7f7f", SvgChart.Aggregate.Max, dashed: true);
                chart.Series(policy, "policy", "#2ca02c", SvgChart.Aggregate.Max);
                html.Append(chart.Render());
            }
        }

        html.Append("<p class=\"muted\">Charts show the highest value per pixel column (processed: the lowest). Generated by <code>autoscaler dry-run</code>.</p></body></html>\n");
        return html.ToString();
    }

    private static float[] Series(Recording.Recording recording, ComponentKey component, Signal signal) =>
        recording.Find(component, SeriesKind.Signal, signal)?.Select(v => double.IsNaN(v) ? 0f : (float)v).ToArray() ?? [];

    private static double Max(float[] values) => values.Length == 0 ? 0 : values.Max();

    private static int Index(Recording.Recording recording, DateTimeOffset time) =>
        (int)Math.Clamp((time - recording.Start).Ticks / recording.Step.Ticks, 0, recording.Count);

    private static void Item(StringBuilder html, string name, string value) =>
        html.Append(CultureInfo.InvariantCulture, $"<dt>{E(name)}</dt><dd>{E(value)}</dd>");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
