using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.TestKit.FakeKube;
using RwAutoscaler.Policies.Model;
using Xunit;
using static RwAutoscaler.Autoscaler.Tests.Daemon.DaemonScalingTests;

namespace RwAutoscaler.Autoscaler.Tests.Daemon;

/// <summary>Bad input and outages: never a crash, never a change to the cluster, always a clear report.</summary>
public sealed class DaemonResilienceTests
{
    [Fact]
    public async Task Prometheus_down_holds_every_cluster_and_says_so_then_scaling_resumes()
    {
        await using var daemon = await DaemonFixture.StartAsync();
        await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        await daemon.Kube.SettleAsync("streaming", "rw");
        daemon.Prometheus!.Down = true;
        daemon.Prometheus.Set(Rw, Signal.CpuUtilization, 0.9, ComponentKind.Compute);
        await daemon.ApplyAsync(AutoscalerYaml());

        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.ConditionReason(await daemon.AutoscalerAsync(), "MetricsAvailable") == "PrometheusUnavailable",
            "MetricsAvailable=False (PrometheusUnavailable)");
        var autoscaler = await daemon.AutoscalerAsync();
        Assert.Equal("False", DaemonFixture.Condition(autoscaler, "MetricsAvailable"));
        Assert.Equal("False", DaemonFixture.Condition(autoscaler, "Active"));
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Events("MetricsUnavailable").Count == 1), "one MetricsUnavailable warning");
        await Task.Delay(2000);
        Assert.Equal(2, await daemon.ComputeReplicasAsync());
        Assert.Single(daemon.Events("MetricsUnavailable"));

        daemon.Prometheus.Down = false;
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "scales once Prometheus answers");
        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.Condition(await daemon.AutoscalerAsync(), "MetricsAvailable") == "True", "MetricsAvailable=True");
        Assert.Single(daemon.Events("MetricsAvailable"));
    }

    [Fact]
    public async Task A_signal_gone_stale_is_named_in_the_condition_and_nothing_changes()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.9, extra: "  staleAfter: 2s");
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "scaled up");
        daemon.Prometheus!.Clear(Rw, Signal.CpuUtilization, ComponentKind.Compute);
        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.ConditionReason(await daemon.AutoscalerAsync(), "MetricsAvailable") == "SignalsMissing", "SignalsMissing");
        await daemon.Kube.SettleAsync("streaming", "rw");
        var message = (await daemon.AutoscalerAsync())["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "MetricsAvailable")!["message"]!.ToString();
        Assert.Contains("utilization lacks cpuUtilization", message, StringComparison.Ordinal);
        await Task.Delay(1500);
        Assert.Equal(4, await daemon.ComputeReplicasAsync());
    }

    [Fact]
    public async Task An_invalid_spec_is_reported_with_its_path_and_changes_nothing_and_others_keep_working()
    {
        await using var daemon = await DaemonFixture.StartAsync();
        await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "other", compute: 2));
        await daemon.Kube.SettleAsync("streaming", "rw");
        await daemon.Kube.SettleAsync("streaming", "other");
        daemon.Prometheus!.Set(Rw, Signal.CpuUtilization, 0.9, ComponentKind.Compute);
        daemon.Prometheus.Set(new("streaming", "other"), Signal.CpuUtilization, 0.9, ComponentKind.Compute);
        await daemon.ApplyAsync(AutoscalerYaml().Replace("averageValue: 0.5", "averageValue: 0.5, tolerence: 0.2", StringComparison.Ordinal));
        await daemon.ApplyAsync(AutoscalerYaml().Replace("name: rw-autoscaler", "name: other", StringComparison.Ordinal).Replace("targetRef: {name: rw}", "targetRef: {name: other}", StringComparison.Ordinal));

        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.ConditionReason(await daemon.AutoscalerAsync(), "Ready") == "InvalidSpec", "Ready=False (InvalidSpec)");
        var ready = (await daemon.AutoscalerAsync())["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Ready")!;
        Assert.Contains("spec.compute.policies[0].metrics[0].tolerence: unknown field", ready["message"]!.ToString(), StringComparison.Ordinal);
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync("other") == 4, "the valid autoscaler still scales its cluster");
        Assert.Equal(2, await daemon.ComputeReplicasAsync());
        Assert.Single(daemon.Events("InvalidSpec"));

        // Fixing the spec (a new generation) makes it work.
        var fixedSpec = await daemon.AutoscalerAsync();
        fixedSpec["spec"]!["compute"]!["policies"]![0]!["metrics"]![0]!.AsObject().Remove("tolerence");
        await daemon.Kube.Autoscalers.ReplaceAsync(fixedSpec);
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "scales once the spec is fixed");
        // The status is written after the scale patch: wait for it rather than read it in between.
        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.Condition(await daemon.AutoscalerAsync(), "Ready") == "True", "Ready=True once the spec is fixed");
    }

    [Fact]
    public async Task A_status_the_api_server_refused_is_written_again_long_before_the_next_poll()
    {
        await using var daemon = await DaemonFixture.StartAsync();
        await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        await daemon.Kube.SettleAsync("streaming", "rw");
        daemon.Prometheus!.Set(Rw, Signal.CpuUtilization, 0.5, ComponentKind.Compute); // in its band: the status is the only write
        bool Refused() => daemon.Kube.Server.Requests.Any(r => r.Method == "PATCH" && r.StatusCode == 500 && r.Path.EndsWith("/rw-autoscaler/status", StringComparison.Ordinal));
        using (daemon.Kube.Server.Faults.Add(FaultRule.Respond(500) with { Verb = "patch", PathContains = "/rw-autoscaler/status" }))
        {
            await daemon.ApplyAsync(AutoscalerYaml().Replace("pollingInterval: 1s", "pollingInterval: 1h", StringComparison.Ordinal));
            await DaemonFixture.EventuallyAsync(() => Task.FromResult(Refused()), "a refused status write");
        }

        // The next poll is an hour away and nothing else changes: only a retry can write it.
        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.Condition(await daemon.AutoscalerAsync(), "Ready") == "True", "the status written after the refusal", seconds: 20);
        Assert.Equal(2, await daemon.ComputeReplicasAsync());
        Assert.Contains("status not written, trying again shortly", daemon.Logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_target_or_node_group_is_reported()
    {
        await using var daemon = await DaemonFixture.StartAsync();
        await daemon.ApplyAsync(AutoscalerYaml());
        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.ConditionReason(await daemon.AutoscalerAsync(), "Ready") == "TargetNotFound", "TargetNotFound");

        var rw = KubeFixture.RisingWave("streaming", "rw", compute: 2);
        rw["spec"]!["components"]!["compute"]!["nodeGroups"]![0]!["name"] = "spot";
        await daemon.Kube.RisingWaves.CreateAsync(rw);
        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.ConditionReason(await daemon.AutoscalerAsync(), "Ready") == "NodeGroupNotFound", "NodeGroupNotFound");
        Assert.Contains("nodeGroups[name='']", (string?)daemon.Events("NodeGroupNotFound")[0]["note"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_in_the_risingwave_does_not_stop_the_daemon()
    {
        await using var daemon = await DaemonFixture.StartAsync();
        var rw = KubeFixture.RisingWave("streaming", "rw", compute: 2);
        rw["spec"]!["components"]!["compute"]!["nodeGroups"]![0]!["replicas"] = "many";
        rw["status"] = new JsonObject { ["componentReplicas"] = "?" };
        await daemon.Kube.RisingWaves.CreateAsync(rw);
        daemon.Prometheus!.Set(Rw, Signal.CpuUtilization, 0.9, ComponentKind.Compute);
        await daemon.ApplyAsync(AutoscalerYaml());
        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.Condition(await daemon.AutoscalerAsync(), "Ready") is not null, "the autoscaler is evaluated");
        using var http = new HttpClient();
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri(daemon.Host.Address, "healthz")));
        Assert.DoesNotContain("\"Level\":\"Error\"", daemon.Logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_autoscalers_on_one_risingwave_do_not_fight()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.9);
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "the first scales");
        await daemon.ApplyAsync(AutoscalerYaml().Replace("name: rw-autoscaler", "name: second", StringComparison.Ordinal));
        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.ConditionReason(await daemon.AutoscalerAsync("second"), "Ready") == "TargetClaimed", "the second is refused");
    }
}
