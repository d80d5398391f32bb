using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Daemon;

/// <summary>
/// Issue 16: a custom signal (a sink's backlog that RisingWave does not export) scrapes into a real Prometheus, and the
/// daemon scales compute on it through utilization's External metric, as HPA does with KEDA's metrics; a second custom
/// signal whose query gives two series per cluster is reported by its name, and nothing acts on it.
/// </summary>
public sealed class CustomSignalDaemonTests
{
    private const string Autoscaler = """
        apiVersion: rwautoscaler.dev/v1alpha1
        kind: RisingWaveAutoscaler
        metadata: {name: rw-autoscaler, namespace: streaming}
        spec:
          targetRef: {name: rw}
          pollingInterval: 1s
          signals:
            - name: sinkBacklog
              query: sum by (namespace, risingwave_name) (sink_backlog_messages{namespace=~"{{namespace}}", risingwave_name=~"{{name}}"})
              unit: messages
            - name: perSinkBacklog
              query: sink_backlog_messages{namespace=~"{{namespace}}", risingwave_name=~"{{name}}"}
              unit: messages
          compute:
            minReplicas: 1
            maxReplicas: 10
            policies:
              - type: utilization
                metrics: [{type: External, signal: sinkBacklog, averageValue: 10000}]
        """;

    [Fact]
    public async Task A_sinks_backlog_scales_compute_and_a_query_with_two_series_is_reported_by_name()
    {
        // The labels service discovery would attach to the sink's exporter (its namespace and the cluster it feeds).
        await using var scraped = await ScrapedExporter.StartAsync(
            new Dictionary<string, string> { ["metrics"] = "# TYPE sink_backlog_messages gauge\nsink_backlog_messages{sink=\"s1\"} 30000\nsink_backlog_messages{sink=\"s2\"} 22000\n" },
            _ => new Dictionary<string, string> { ["namespace"] = "streaming", ["risingwave_name"] = "rw" });
        if (scraped.Prometheus is not { } prometheus)
        {
            return;
        }

        await using var daemon = await DaemonFixture.StartAsync(prometheus: prometheus.Address);
        await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        await daemon.Kube.SettleAsync("streaming", "rw");
        await daemon.ApplyAsync(Autoscaler);

        // 52,000 messages against 10,000 per pod: ceil(5.2) = 6.
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 6, "compute scaled from 2 to 6 on the sink's backlog", seconds: 30);
        // The event is posted after the scale patch: wait for it rather than read it in between.
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Events("Rescaled").Count > 0), "a Rescaled event");
        var note = (string?)daemon.Events("Rescaled")[0]["note"];
        Assert.Contains("sinkBacklog is 52000 against a target of 10000 per pod", note, StringComparison.Ordinal);

        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Events("CustomSignalFailed").Count > 0), "a CustomSignalFailed event");
        Assert.Equal(
            "signal perSinkBacklog: the query returned 2 series for streaming/rw, one is needed: aggregate it, e.g. sum by (namespace, risingwave_name) (...); the policies that read it hold",
            (string?)daemon.Events("CustomSignalFailed")[0]["note"]);
        await DaemonFixture.EventuallyAsync(
            async () => ConditionMessage(await daemon.AutoscalerAsync(), "MetricsAvailable").Contains("signal perSinkBacklog: the query returned 2 series for streaming/rw", StringComparison.Ordinal),
            "status.conditions[MetricsAvailable] names the signal");
        Assert.Equal("False", DaemonFixture.Condition(await daemon.AutoscalerAsync(), "MetricsAvailable"));
    }

    private static string ConditionMessage(JsonObject autoscaler, string type) =>
        (autoscaler["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type)?["message"]?.ToString() ?? "";
}
