using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Doctor;

/// <summary>
/// Issue 19: the daemon reports what autoscaler doctor finds, in status.conditions[SignalsReady] and one Warning event,
/// for a cluster shaped like RisingWave v2.5 (no actor tokio metrics) in a real Prometheus.
/// </summary>
public sealed class DaemonSignalsReadyTests
{
    private static readonly Shape V25 = RisingWaveShapes.V25;

    private static readonly string Autoscaler = $$"""
        apiVersion: rwautoscaler.dev/v1alpha1
        kind: RisingWaveAutoscaler
        metadata: {name: rw-autoscaler, namespace: streaming}
        spec:
          targetRef: {name: {{V25.Cluster}}}
          pollingInterval: 1s
          compute:
            maxReplicas: 10
            policies:
              - type: throughput
        """;

    [Fact]
    public async Task A_v2_5_cluster_says_which_signal_is_absent_and_the_setting_to_change()
    {
        await using var cluster = await RisingWaveShapes.ServeAsync([V25]);
        await using var daemon = await DaemonFixture.StartAsync(prometheus: cluster.Prometheus!.Address);
        await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", V25.Cluster, compute: 2));
        await daemon.Kube.SettleAsync("streaming", V25.Cluster);
        await daemon.ApplyAsync(Autoscaler);

        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.Condition(await daemon.AutoscalerAsync(), "SignalsReady") == "False", "SignalsReady=False", seconds: 30);
        var condition = ((await daemon.AutoscalerAsync())["status"]!["conditions"] as JsonArray)!.OfType<JsonObject>().Single(c => (string?)c["type"] == "SignalsReady");
        Assert.Equal("SignalsAbsent", (string?)condition["reason"]);
        Assert.StartsWith("busyRatio: stream_actor_poll_duration is absent: actor tokio metrics are off", (string?)condition["message"], StringComparison.Ordinal);
        Assert.Contains("enable_actor_tokio_metrics = true", (string?)condition["message"], StringComparison.Ordinal);

        // One event, not one per tick.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var warning = Assert.Single(daemon.Events("SignalsAbsent"));
        Assert.StartsWith("busyRatio: stream_actor_poll_duration is absent", (string?)warning["note"], StringComparison.Ordinal);
    }
}
