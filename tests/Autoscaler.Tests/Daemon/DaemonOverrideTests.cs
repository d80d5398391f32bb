using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Kube.Client;
using Xunit;
using static RwAutoscaler.Autoscaler.Tests.Daemon.DaemonScalingTests;

namespace RwAutoscaler.Autoscaler.Tests.Daemon;

/// <summary>Modes and overrides: dry run, pause, pin, bounds, bad and expired annotations, the operator's pause.</summary>
public sealed class DaemonOverrideTests
{
    private static async Task WaitForStatusAsync(DaemonFixture daemon, Func<JsonObject, bool> condition, string what) =>
        await DaemonFixture.EventuallyAsync(async () => condition(await daemon.AutoscalerAsync()), what);

    private static bool NoPatch(DaemonFixture daemon) =>
        !daemon.Kube.Server.Requests.Any(r => r.Method is "PATCH" or "PUT" && r.Path.Contains("/risingwaves/rw", StringComparison.Ordinal) && !r.Path.EndsWith("/status", StringComparison.Ordinal));

    [Fact]
    public async Task Dry_run_reports_what_it_would_do_and_changes_nothing()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.9, mode: "dryRun");

        await WaitForStatusAsync(daemon, a => (string?)a["status"]?["compute"] == "2 -> 4 (dry run)", "status.compute shows the dry-run decision");
        var autoscaler = await daemon.AutoscalerAsync();
        Assert.Equal("True", DaemonFixture.Condition(autoscaler, "DryRun"));
        Assert.Equal("False", DaemonFixture.Condition(autoscaler, "Active"));
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Events("DryRun").Count == 1), "one DryRun event");
        Assert.StartsWith("dry run, not applied: compute 2 -> 4", (string?)daemon.Events("DryRun")[0]["note"], StringComparison.Ordinal);
        await Task.Delay(2500);
        Assert.Single(daemon.Events("DryRun"));
        Assert.True((int?)daemon.Events("DryRun")[0]["series"]?["count"] is null, "a repeated dry-run decision is published at most every repeat interval");
        Assert.Equal(2, await daemon.ComputeReplicasAsync());
        Assert.True(NoPatch(daemon));
        var history = autoscaler["status"]!["history"]!.AsArray();
        var entry = Assert.Single(history);
        Assert.Equal((false, true), ((bool?)entry!["acted"], (bool?)entry["dryRun"]));
    }

    [Fact]
    public async Task A_dry_run_annotation_overrides_an_active_spec()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.9, annotations: new JsonObject { ["rwautoscaler.dev/dry-run"] = "true" });
        await WaitForStatusAsync(daemon, a => DaemonFixture.ConditionReason(a, "DryRun") == "DryRunAnnotation", "DryRun=True by the annotation");
        await Task.Delay(1500);
        Assert.Equal(2, await daemon.ComputeReplicasAsync());
        Assert.True(NoPatch(daemon));
    }

    [Fact]
    public async Task Pause_holds_and_removing_it_resumes()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.9, annotations: new JsonObject { ["rwautoscaler.dev/paused"] = "true" });
        await WaitForStatusAsync(daemon, a => DaemonFixture.Condition(a, "Paused") == "True", "Paused=True");
        Assert.Equal("2 (paused)", (string?)(await daemon.AutoscalerAsync())["status"]!["compute"]);
        await Task.Delay(1500);
        Assert.Equal(2, await daemon.ComputeReplicasAsync());

        await daemon.Kube.RisingWaves.PatchAsync("streaming", "rw", KubePatch.Json(new JsonPatchDocument().Remove("/metadata/annotations/rwautoscaler.dev~1paused")));
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "scaled once the pause is gone");
    }

    [Fact]
    public async Task A_pin_sets_the_replicas_whatever_the_metrics_say()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.5, annotations: new JsonObject { ["rwautoscaler.dev/compute-replicas"] = "7" });
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 7, "pinned at 7");
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Events("Rescaled").Any(e => ((string?)e["note"])!.Contains("pinned at 7", StringComparison.Ordinal))), "the event names the pin");
    }

    [Fact]
    public async Task A_temporary_minimum_raises_the_floor()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.5, annotations: new JsonObject { ["rwautoscaler.dev/compute-min-replicas"] = "5 until 2099-01-01T00:00:00Z" });
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 5, "raised to the temporary minimum");
    }

    [Fact]
    public async Task An_unreadable_pause_holds_every_component_and_says_so()
    {
        // Fail closed (issue 14): "sometimes" may have meant a pause, so nothing scales, though the CPU asks for 4.
        await using var daemon = await StartWithClusterAsync(cpu: 0.9, annotations: new JsonObject { ["rwautoscaler.dev/paused"] = "sometimes" });
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Events("InvalidOverride").Count == 1), "an InvalidOverride event");
        var warning = daemon.Events("InvalidOverride")[0];
        Assert.Equal("Warning", (string?)warning["type"]);
        Assert.Equal("RisingWave", (string?)warning["regarding"]!["kind"]);
        Assert.StartsWith("rwautoscaler.dev/paused: expected exactly 'true', 'false'", (string?)warning["note"], StringComparison.Ordinal);
        Assert.EndsWith("holding compute and compactor where it is until it is fixed", (string?)warning["note"], StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(3)); // several evaluations at the fixture's 1 s polling interval
        Assert.Equal(2, await daemon.ComputeReplicasAsync());
    }

    [Fact]
    public async Task An_expired_pause_is_reported_and_scaling_resumes()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.9, annotations: new JsonObject { ["rwautoscaler.dev/paused"] = "true until 2020-01-01T00:00:00Z" });
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "scales: the pause is over");
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Events("OverrideExpired").Count == 1), "an OverrideExpired event");
        Assert.Contains("normal scaling resumes", (string?)daemon.Events("OverrideExpired")[0]["note"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_written_while_the_operator_is_paused()
    {
        await using var daemon = await StartWithClusterAsync(cpu: 0.9, annotations: new JsonObject { [RisingWaveState.PauseReconcile] = "true" });
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Events("ScaleSkipped").Count == 1), "a ScaleSkipped event");
        await WaitForStatusAsync(daemon, a => DaemonFixture.ConditionReason(a, "Paused") == "OperatorPaused", "Paused=True (OperatorPaused)");
        await Task.Delay(1500);
        Assert.Equal(2, await daemon.ComputeReplicasAsync());
        Assert.True(NoPatch(daemon));
    }
}
