using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Daemon;

/// <summary>The daemon against the fake API server over HTTP, with signals from a Prometheus API it queries over HTTP.</summary>
public sealed class DaemonScalingTests
{
    internal static readonly ClusterRef Rw = new("streaming", "rw");

    internal static string AutoscalerYaml(string mode = "active", string extra = "") => $"""
        apiVersion: rwautoscaler.dev/v1alpha1
        kind: RisingWaveAutoscaler
        metadata: {"{"}name: rw-autoscaler, namespace: streaming{"}"}
        spec:
          targetRef: {"{"}name: rw{"}"}
          mode: {mode}
          pollingInterval: 1s
          compute:
            minReplicas: 1
            maxReplicas: 10
            policies:
              - type: utilization
                metrics: [{"{"}type: Pods, signal: cpuUtilization, averageValue: 0.5{"}"}]
            behavior:
              scaleDown: {"{"}stabilizationWindowSeconds: 0{"}"}
        {extra}
        """;

    internal static async Task<DaemonFixture> StartWithClusterAsync(double cpu, string mode = "active", int replicas = 2, JsonObject? annotations = null, string extra = "")
    {
        var daemon = await DaemonFixture.StartAsync();
        var rw = KubeFixture.RisingWave("streaming", "rw", compute: replicas);
        if (annotations is not null)
        {
            rw["metadata"]!["annotations"] = annotations;
        }

        await daemon.Kube.RisingWaves.CreateAsync(rw);
        await daemon.Kube.SettleAsync("streaming", "rw");
        daemon.Prometheus!.Set(Rw, Signal.CpuUtilization, cpu, ComponentKind.Compute);
        await daemon.ApplyAsync(AutoscalerYaml(mode, extra));
        return daemon;
    }

    [Fact]
    public async Task High_cpu_scales_compute_up_through_the_risingwave_and_reports_it_everywhere()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.9);

        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "compute patched from 2 to 4");

        var patch = Assert.Single(daemon.Kube.Server.Requests, r => r.Method == "PATCH" && r.Path.EndsWith("/risingwaves/rw", StringComparison.Ordinal));
        Assert.Equal("application/json-patch+json", patch.ContentType?.Split(';')[0]); // the official client adds "; charset=utf-8"
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Events("Rescaled").Count == 1), "a Rescaled event");
        var note = (string?)daemon.Events("Rescaled")[0]["note"];
        Assert.StartsWith("compute 2 -> 4: utilization", note, StringComparison.Ordinal);
        await DaemonFixture.EventuallyAsync(async () => (string?)(await daemon.AutoscalerAsync())["status"]?["lastReason"] == note, "status.lastReason");
        var status = (await daemon.AutoscalerAsync())["status"]!;
        Assert.Equal("True", DaemonFixture.Condition((await daemon.AutoscalerAsync()), "Ready"));
        Assert.Equal("True", DaemonFixture.Condition((await daemon.AutoscalerAsync()), "Active"));
        Assert.Equal("True", DaemonFixture.Condition((await daemon.AutoscalerAsync()), "MetricsAvailable"));
        var history = status["history"]!.AsArray();
        Assert.Contains(history, h => (int?)h!["from"] == 2 && (int?)h["to"] == 4 && (bool?)h["acted"] == true);
        Assert.NotNull(status["lastScaleTime"]);
        Assert.Contains("\"Trail\":", daemon.Logs, StringComparison.Ordinal);
        Assert.Contains("\"Outcome\":\"scaled\"", daemon.Logs, StringComparison.Ordinal);
    }
}
