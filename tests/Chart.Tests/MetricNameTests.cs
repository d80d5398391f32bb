using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RwAutoscaler.Chart.Tests.Rendering;
using RwAutoscaler.Chart.Tests.Support;
using RwAutoscaler.TestKit;
using Xunit;

namespace RwAutoscaler.Chart.Tests;

/// <summary>
/// Every metric the dashboard and the alerts read is one that exists: served at /metrics by the real daemon or
/// operator (scraped at the end of <see cref="ClusterFlow"/>), or one RisingWave exports (the checked reference
/// shared/reference/risingwave.md, copied into risingwave-metrics.txt), kube-state-metrics' CPU requests, or Prometheus' own <c>up</c>. The rules also pass <c>promtool check rules</c>.
/// </summary>
public sealed partial class MetricNameTests
{
    private static IEnumerable<(string Where, string Expr)> DashboardQueries()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.ChartDirectory, "dashboards/risingwave-autoscaler.json")))!;
        foreach (var panel in dashboard["panels"]!.AsArray())
        {
            foreach (var target in panel!["targets"]?.AsArray() ?? [])
            {
                yield return ($"dashboard panel '{panel["title"]}'", (string)target!["expr"]!);
            }
        }

        foreach (var variable in dashboard["templating"]!["list"]!.AsArray().Where(v => (string?)v!["type"] == "query"))
        {
            var definition = (string)variable!["definition"]!;
            yield return ($"dashboard variable {variable["name"]}", LabelValues().Match(definition).Groups[1].Value);
        }
    }

    private static JsonObject Rule() => Charts.Chart.Render(Charts.Everything).Single(o => o.Kind == "PrometheusRule").Object;

    private static IEnumerable<(string Where, string Expr)> RuleQueries() =>
        Rule()["spec"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => ($"alert {r!["alert"]}", (string)r["expr"]!));

    private static HashSet<string> Exported(string exposition)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in TypeLine().Matches(exposition))
        {
            var name = m.Groups[1].Value;
            names.Add(name);
            if (m.Groups[2].Value == "histogram")
            {
                names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
            }
        }

        return names;
    }

    // The pods' CPU requests, as kube-state-metrics exports them (its docs: docs/metrics/workload/pod-metrics.md).
    private const string KubeStateMetricsRequests = "kube_pod_container_resource_requests";

    // The names from shared/reference/risingwave.md, copied into the repository so that CI needs nothing beside it.
    private static HashSet<string> RisingWaveMetrics() =>
        new(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "risingwave-metrics.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#')), StringComparer.Ordinal);

    [Fact]
    public async Task Every_metric_the_dashboard_and_alerts_read_is_exported_by_RisingWave_or_our_processes()
    {
        var flow = await ClusterFlow.RecordedAsync();
        var ours = Exported(flow.DaemonMetrics);
        ours.UnionWith(Exported(flow.OperatorMetrics));
        Assert.Contains("rwautoscaler_decisions_total", ours);
        Assert.Contains("rwautoscaler_operator_reconcile_total", ours);
        var risingWave = RisingWaveMetrics();
        var unknown = new List<string>();
        var seen = 0;
        foreach (var (where, expr) in DashboardQueries().Concat(RuleQueries()))
        {
            foreach (var name in PromQl.MetricNames(expr))
            {
                seen++;
                var known = name.StartsWith("rwautoscaler_", StringComparison.Ordinal) ? ours.Contains(name) : risingWave.Contains(name) || name is "up" or KubeStateMetricsRequests;
                if (!known)
                {
                    unknown.Add($"{where}: {name}");
                }
            }
        }

        Assert.True(seen > 30, $"only {seen} metric references found: the extraction is broken");
        Assert.True(unknown.Count == 0, "metrics nobody exports:\n" + string.Join('\n', unknown));
    }

    [Fact]
    public void The_extraction_finds_metrics_and_skips_functions_labels_and_durations()
    {
        var names = PromQl.MetricNames("sum by (namespace, le) (rate(meta_barrier_duration_seconds_bucket{job=\"x\"}[$__rate_interval])) / on (a) group_left clamp_min(stream_actor_count, 1) > 0 or absent(up)");
        Assert.Equal(["meta_barrier_duration_seconds_bucket", "stream_actor_count", "up"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_alert_rules_pass_promtool()
    {
        var promtool = ExternalTool.Require("promtool", "apt-get install prometheus");
        if (promtool is null)
        {
            return;
        }

        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, Rule()["spec"]!.ToJsonString());
            var result = await ExternalTool.RunAsync(promtool, ["check", "rules", file]);
            Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
            Assert.Contains("SUCCESS: 7 rules found", result.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    // promtool's own rule tests over the rendered alerts (annotations left out: they are prose). With a 5-minute SLO,
    // barriers beyond the last finite bucket (221.7 s) must fire, and a partition whose reader a rescale rebuilt must
    // keep counting in the lag.
    [Fact]
    public async Task The_alerts_fire_beyond_the_histograms_last_bucket_and_through_a_readers_rebuild()
    {
        var promtool = ExternalTool.Require("promtool", "apt-get install prometheus");
        if (promtool is null)
        {
            return;
        }

        const string Values = """
            prometheusRule:
              enabled: true
              risingwave:
                barrierLatencySeconds: 300
                sourceLagMessages: 20000
            """;
        var rule = Charts.Chart.Render(Values).Single(o => o.Kind == "PrometheusRule").Object;
        var groups = rule["spec"]!["groups"]!.AsArray().Where(g => (string?)g!["name"] == "risingwave-autoscaler.risingwave").Select(g => g!.DeepClone()).ToList();
        foreach (var alert in groups.SelectMany(g => g!["rules"]!.AsArray()))
        {
            alert!.AsObject().Remove("annotations");
        }

        var directory = Directory.CreateTempSubdirectory("rules-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "rules.json"), new JsonObject { ["groups"] = new JsonArray([.. groups]) }.ToJsonString());
            const string Labels = "namespace=\"streaming\",risingwave_name=\"rw\"";
            const string Fired = "[{exp_labels: {severity: warning, rwautoscaler: evaluate, namespace: streaming, risingwave_name: rw}}]";
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "test.yaml"), $$"""
                rule_files: [rules.json]
                evaluation_interval: 15s
                tests:
                  - interval: 15s
                    input_series:
                      # one barrier a second, every one beyond the last finite bucket
                      - {series: 'meta_barrier_duration_seconds_bucket{{{Labels}},database_id="1",le="100"}', values: '0x60'}
                      - {series: 'meta_barrier_duration_seconds_bucket{{{Labels}},database_id="1",le="221.68378"}', values: '0x60'}
                      - {series: 'meta_barrier_duration_seconds_bucket{{{Labels}},database_id="1",le="+Inf"}', values: '0+15x60'}
                      # 100 messages/s on two partitions, read 50 behind; partition 1's reader is rebuilt from 5m to 13m
                      - {series: 'source_kafka_high_watermark{{{Labels}},source_id="7",partition="0"}', values: '0+1500x60'}
                      - {series: 'source_kafka_high_watermark{{{Labels}},source_id="7",partition="1"}', values: '0+1500x60'}
                      - {series: 'source_latest_message_id{{{Labels}},source_id="7",partition="0",actor_id=""}', values: '-51+1500x60'}
                      - {series: 'source_latest_message_id{{{Labels}},source_id="7",partition="1",actor_id=""}', values: '-51+1500x20 _x31 77949+1500x8'}
                    alert_rule_test:
                      - {eval_time: 4m, alertname: RisingWaveBarrierLatencyHigh, exp_alerts: {{Fired}}}
                      - {eval_time: 4m, alertname: RisingWaveSourceLagHigh, exp_alerts: []}
                      - {eval_time: 12m, alertname: RisingWaveSourceLagHigh, exp_alerts: {{Fired}}}
                      - {eval_time: 14m, alertname: RisingWaveSourceLagHigh, exp_alerts: []}
                """);
            var result = await ExternalTool.RunAsync(promtool, ["test", "rules", Path.Combine(directory.FullName, "test.yaml")]);
            Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"label_values\(([^,]+),")]
    private static partial Regex LabelValues();

}
