using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Daemon;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.TestKit;
using Xunit;
using static RwAutoscaler.Autoscaler.Tests.Daemon.DaemonScalingTests;

namespace RwAutoscaler.Autoscaler.Tests.Daemon;

/// <summary>Restarts, leader election, the end of a rescale, the HTTP endpoints, and queries that do not grow with clusters.</summary>
[Collection(EndToEnd.TimingCollection.Name)]
public sealed class DaemonLifecycleTests
{
    [Fact]
    public async Task After_a_restart_the_history_in_status_still_holds_the_cooldown()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.9, extra: "    cooldown: {scaleUp: 1h}");
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "first scale-up");
        await DaemonFixture.EventuallyAsync(async () => (await daemon.AutoscalerAsync())["status"]?["history"] is JsonArray { Count: 1 }, "history in status");
        await daemon.Host.DisposeAsync();

        await daemon.Kube.SettleAsync("streaming", "rw");
        daemon.Prometheus!.Set(Rw, Signal.CpuUtilization, 1.0, ComponentKind.Compute);
        await using var restarted = await DaemonHost.StartAsync(daemon.Options(daemon.Prometheus.Address), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await DaemonFixture.EventuallyAsync(async () => (string?)(await daemon.AutoscalerAsync())["status"]?["compute"] == "4", "evaluated after the restart");
        await Task.Delay(2000);
        Assert.Equal(4, await daemon.ComputeReplicasAsync());
    }

    [Fact]
    public async Task Two_replicas_elect_one_leader_and_only_it_acts()
    {
        static DaemonOptions Elect(DaemonOptions o) => o with
        {
            LeaderElection = true,
            LeaseNamespace = "streaming",
            LeaseDuration = TimeSpan.FromSeconds(3),
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(500),
        };

        await using var daemon = await DaemonFixture.StartAsync(Elect);
        await using var second = await daemon.StartReplicaAsync(Elect);
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Host.IsLeader || second.IsLeader), "a leader");
        await Task.Delay(1500);
        Assert.True(daemon.Host.IsLeader ^ second.IsLeader, "exactly one leader");

        await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        await daemon.Kube.SettleAsync("streaming", "rw");
        daemon.Prometheus!.Set(Rw, Signal.CpuUtilization, 0.9, ComponentKind.Compute);
        await daemon.ApplyAsync(AutoscalerYaml());
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "scaled once");
        await Task.Delay(1500);
        Assert.Single(daemon.Kube.Server.Requests, r => r.Method == "PATCH" && r.Path.EndsWith("/risingwaves/rw", StringComparison.Ordinal));

        // The standby refuses alerts with 503 so that Alertmanager retries until it reaches the leader.
        var standby = daemon.Host.IsLeader ? second : daemon.Host;
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(standby.Address, "webhook/alertmanager")) { Content = new StringContent("{\"alerts\":[]}") };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = new("Bearer", DaemonFixture.Token);
        using var response = await http.SendAsync(request);
        Assert.Equal(503, (int)response.StatusCode);

        // The leader goes away: the standby takes the lease over.
        var leader = daemon.Host.IsLeader ? daemon.Host : second;
        await leader.StopAsync();
        // A 3 s lease, released on stop; 30 s of slack for a CI machine that runs every test project at once
        // (Kube.Tests/LeaderElection checks the timings themselves).
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(standby.IsLeader), "the standby leads", seconds: 30);
    }

    [Fact]
    public async Task The_end_of_a_rescale_is_an_event_and_starts_the_next_evaluation()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.9);
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "scaled up");
        await daemon.Kube.SettleAsync("streaming", "rw", running: (kind, _, target) => kind == "compute" ? 3 : target);
        await DaemonFixture.EventuallyAsync(async () => (string?)(await daemon.AutoscalerAsync())["status"]?["compute"] == "4 (3 running)", "progress shown");
        daemon.Prometheus!.Set(Rw, Signal.CpuUtilization, 0.5, ComponentKind.Compute);
        await daemon.Kube.SettleAsync("streaming", "rw");
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Events("RescaleCompleted").Count == 1), "RescaleCompleted");
        Assert.Equal("compute reached 4 running replicas", (string?)daemon.Events("RescaleCompleted")[0]["note"]);
        Assert.True(daemon.Host.Metrics.Evaluations.WithLabels("rescaleend").Value >= 1);
        var component = (await daemon.AutoscalerAsync())["status"]!["components"]![0]!;
        Assert.NotNull(component["rescaleCompletedTime"]);
    }

    [Fact]
    public async Task An_annotation_change_is_evaluated_at_once()
    {
        await using var daemon = await DaemonFixture.StartAsync();
        await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        await daemon.Kube.SettleAsync("streaming", "rw");
        daemon.Prometheus!.Set(Rw, Signal.CpuUtilization, 0.5, ComponentKind.Compute);
        await daemon.ApplyAsync(AutoscalerYaml().Replace("pollingInterval: 1s", "pollingInterval: 1h", StringComparison.Ordinal));
        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.Condition(await daemon.AutoscalerAsync(), "Ready") == "True", "first evaluation");
        await daemon.Kube.RisingWaves.PatchAsync("streaming", "rw", KubePatch.Merge(new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["rwautoscaler.dev/compute-replicas"] = "5" } },
        }));
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 5, "pinned by the watch event", seconds: 5);
    }

    [Fact]
    public async Task Queries_per_fetch_do_not_grow_with_the_number_of_clusters()
    {
        await using var daemon = await DaemonFixture.StartAsync(o => o with { MetricsMaxAge = TimeSpan.FromMinutes(10) });
        for (var i = 0; i < 25; i++)
        {
            var name = $"rw-{i}";
            await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", name, compute: 2));
            daemon.Prometheus!.Set(new ClusterRef("streaming", name), Signal.CpuUtilization, 0.5, ComponentKind.Compute);
            await daemon.ApplyAsync(AutoscalerYaml().Replace("name: rw-autoscaler", $"name: {name}", StringComparison.Ordinal)
                .Replace("targetRef: {name: rw}", $"targetRef: {{name: {name}}}", StringComparison.Ordinal));
        }

        await DaemonFixture.EventuallyAsync(async () =>
        {
            var all = await daemon.Kube.Autoscalers.ListAsync("streaming");
            return all.Items.All(a => DaemonFixture.Condition(a, "Ready") == "True");
        }, "all 25 evaluated");
        // One query per signal per fetch, and one for every pod's CPU per instant fetch (HPA's per-pod rule).
        var pods = daemon.Prometheus!.PodQueryCount;
        var queries = daemon.Prometheus.QueryCount - pods;
        var fetches = daemon.Host.Hub.Fetches;
        Assert.Equal(SignalNames.Count * fetches, queries);
        Assert.InRange(pods, 1, fetches);
        Assert.True(fetches <= 25, $"{fetches} fetches for 25 clusters");
    }

    [Fact]
    public async Task Signals_are_backfilled_and_kept_as_far_back_as_the_policies_read()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.5);
        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.Condition(await daemon.AutoscalerAsync(), "MetricsAvailable") == "True", "first evaluation");
        var oldest = daemon.Prometheus!.RangeStarts.Min();
        Assert.InRange(DateTimeOffset.UtcNow - oldest, TimeSpan.FromMinutes(4.9), TimeSpan.FromMinutes(5.5)); // the daemon's retention
        Assert.Equal(TimeSpan.FromMinutes(5), daemon.Host.Hub.Store.RetentionOf(Rw));

        // A predictive policy with a 1 h season reads two seasons of ingest: the cluster is backfilled again, 2 h deep.
        daemon.Prometheus.RangeStarts.Clear();
        daemon.Prometheus.Set(Rw, Signal.IngestRate, 1000);
        await daemon.Kube.Autoscalers.PatchAsync("streaming", "rw-autoscaler", KubePatch.Merge(JsonNode.Parse("""
            {"spec": {"compute": {"policies": [
              {"type": "predictive", "seasonLength": "1h"},
              {"type": "utilization", "metrics": [{"type": "Pods", "signal": "cpuUtilization", "averageValue": 0.5}]}]}}}
            """)!));
        // The query is asked before its answer is stored: wait for the samples, not for the request.
        TimeSpan? Reach() => daemon.Host.Hub.Store.SignalsFor(Rw, new ComponentKey(ComponentKind.Compute, ""))[Signal.IngestRate].Samples is { Length: > 0 } samples
            ? DateTimeOffset.UtcNow - samples[0].Time
            : null;
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(Reach() >= TimeSpan.FromMinutes(119)), "a deeper backfill, stored");
        Assert.InRange(DateTimeOffset.UtcNow - daemon.Prometheus.RangeStarts.Min(), TimeSpan.FromHours(2), TimeSpan.FromHours(2.1));
        Assert.Equal(TimeSpan.FromHours(2), daemon.Host.Hub.Store.RetentionOf(Rw));
        Assert.InRange(Reach()!.Value, TimeSpan.FromMinutes(119), TimeSpan.FromHours(2.1));
    }

    [Fact]
    public async Task Kubectl_get_rwa_says_what_it_is_doing_and_why()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.9);
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "scaled up");
        if (ExternalTool.Require("kubectl", "install kubectl so that it is on PATH") is not { } kubectl)
        {
            return;
        }

        var directory = Directory.CreateTempSubdirectory("rwa-kubectl-").FullName;
        try
        {
            var kubeconfig = daemon.Kube.Server.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));
            var get = await ExternalTool.RunAsync(kubectl, ["get", "rwa", "-n", "streaming", "--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(directory, "cache")]);
            Assert.True(get.ExitCode == 0, get.StandardError);
            var lines = get.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["NAME", "TARGET", "MODE", "COMPUTE", "COMPACTOR", "READY", "METRICS", "LAST", "SCALE", "REASON", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("rw-autoscaler", lines[1], StringComparison.Ordinal);
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(lines[1], @"^rw-autoscaler\s+rw\s+active\s+4( \(\d running\))?\s+True\s+True\s+\d+s\s+compute 2 -> 4: utilization: cpuUtilization averages 0.9"), get.StandardOutput);
            var wide = await ExternalTool.RunAsync(kubectl, ["get", "rwa", "-n", "streaming", "-o", "wide", "--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(directory, "cache")]);
            Assert.EndsWith("SHARD", wide.StandardOutput.Split('\n')[0].TrimEnd(), StringComparison.Ordinal); // priority 1: only with -o wide
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Health_readiness_and_metrics_are_served_and_promtool_accepts_the_metrics()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.9);
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "scaled up");
        using var http = new HttpClient();
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri(daemon.Host.Address, "healthz")));
        await DaemonFixture.EventuallyAsync(async () => (await http.GetAsync(new Uri(daemon.Host.Address, "readyz"))).IsSuccessStatusCode, "ready");
        using var response = await http.GetAsync(new Uri(daemon.Host.Address, "metrics"));
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var text = await response.Content.ReadAsStringAsync();
        foreach (var family in new[]
        {
            "rwautoscaler_decisions_total{namespace=\"streaming\",name=\"rw\",component=\"compute\",direction=\"up\",outcome=\"scaled\"} 1",
            "rwautoscaler_desired_replicas{namespace=\"streaming\",name=\"rw\",component=\"compute\"} 4",
            "rwautoscaler_current_replicas{namespace=\"streaming\",name=\"rw\",component=\"compute\"}",
            "rwautoscaler_evaluation_duration_seconds_bucket",
            "rwautoscaler_prometheus_queries_total{signal=\"cpuUtilization\"}",
            "rwautoscaler_prometheus_query_errors_total",
            "rwautoscaler_queue_depth",
        })
        {
            Assert.Contains(family, text, StringComparison.Ordinal);
        }

        var promtool = ExternalTool.Require("promtool", "install the Debian package 'prometheus' (apt-get install -y prometheus)");
        if (promtool is null)
        {
            return;
        }

        var check = await ExternalTool.RunAsync(promtool, ["check", "metrics"], stdin: text);
        Assert.True(check.ExitCode == 0, $"promtool check metrics: {check.StandardOutput}{check.StandardError}");
    }
}
