using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.ExternalPolicies;

/// <summary>Issue 16: the example external policy, as its own process, scales a cluster through the daemon over loopback gRPC.</summary>
public sealed class ExternalPolicyDaemonTests
{
    private static string Autoscaler(Uri endpoint, string extra = "") => $$"""
        apiVersion: rwautoscaler.dev/v1alpha1
        kind: RisingWaveAutoscaler
        metadata: {name: rw-autoscaler, namespace: streaming}
        spec:
          targetRef: {name: rw}
          mode: active
          pollingInterval: 1s
          compute:
            minReplicas: 1
            maxReplicas: 10
            policies:
              - type: external
                name: backlog
                endpoint: {{endpoint}}
                signals: [sourceLagMessages, ingestRate, processedRate]
                parameters: {targetDrainSeconds: "60"}
        {{extra}}
        """;

    [Fact]
    public async Task The_backlog_policy_process_scales_compute_to_drain_the_backlog()
    {
        await using var policy = await BacklogPolicyProcess.StartAsync();
        await using var daemon = await DaemonFixture.StartAsync();
        await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        var rw = new ClusterRef("streaming", "rw");

        // 2 replicas process 1,000 events/s (500 each); 1,000/s arrive and 60,000 wait: 2,000/s drain them in 60 s, at 4 replicas.
        daemon.Prometheus!.Set(rw, Signal.IngestRate, 1000);
        daemon.Prometheus.Set(rw, Signal.ProcessedRate, 1000);
        daemon.Prometheus.Set(rw, Signal.SourceLagMessages, 60_000);
        // The shipped example, pointed at the process and polled every second.
        var example = (await File.ReadAllTextAsync(Commands.CliRunner.Repo("examples/external-policy/risingwaveautoscaler.yaml")))
            .Replace("http://backlog-policy.streaming.svc:50051", policy.Address.ToString().TrimEnd('/'), StringComparison.Ordinal)
            .Replace("pollingInterval: 30s", "pollingInterval: 1s", StringComparison.Ordinal);
        await daemon.ApplyAsync(example);

        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "compute scaled from 2 to 4 by the external policy\n" + policy.Output);
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Events("Rescaled").Count == 1), "a Rescaled event");
        var scaled = Assert.Single(daemon.Events("Rescaled"));
        Assert.Contains("a backlog of 60000 messages drains within 60 s at 4 replicas", (string?)scaled["note"], StringComparison.Ordinal);

        // The trail kubectl rwa explain prints: the winner marked, with the service's own numbers (the status is written
        // after the patch, so it may come a moment after the event).
        await DaemonFixture.EventuallyAsync(async () => (await daemon.AutoscalerAsync())["status"]?["components"]?[0]?["trail"] is not null, "the trail in the status");
        var trail = (await daemon.AutoscalerAsync())["status"]!["components"]![0]!["trail"]!.AsArray().Select(l => (string?)l).ToList();
        Assert.StartsWith("* backlog: 4 (a backlog of 60000 messages drains within 60 s at 4 replicas (lag_messages 60000) (ingest_per_s 1000)", trail[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_that_is_down_holds_the_cluster_and_says_so()
    {
        await using var daemon = await DaemonFixture.StartAsync();
        await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 6));
        var rw = new ClusterRef("streaming", "rw");
        daemon.Prometheus!.Set(rw, Signal.IngestRate, 10);
        daemon.Prometheus.Set(rw, Signal.ProcessedRate, 10);
        daemon.Prometheus.Set(rw, Signal.SourceLagMessages, 0);

        // Nothing listens on port 1: every call fails at once.
        await daemon.ApplyAsync(Autoscaler(new Uri("http://127.0.0.1:1")));
        await DaemonFixture.EventuallyAsync(async () => (await daemon.AutoscalerAsync())["status"]?["lastReason"] is not null
            || DaemonFixture.Condition(await daemon.AutoscalerAsync(), "MetricsAvailable") == "False", "an evaluation reported");
        await Task.Delay(2500);

        Assert.Equal(6, await daemon.ComputeReplicasAsync());
        Assert.DoesNotContain(daemon.Kube.Server.Requests, r => r.Method == "PATCH" && r.Path.EndsWith("/risingwaves/rw", StringComparison.Ordinal));
        Assert.Contains("no answer from 127.0.0.1:1", daemon.Logs, StringComparison.Ordinal);
    }
}
