using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Acting;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Acting;

/// <summary>The actuator against the fake API server over real HTTP.</summary>
public sealed class RisingWaveActuatorTests
{
    private static readonly ClusterRef Rw = new("streaming", "rw");

    [Fact]
    public async Task Patches_the_node_group_with_a_json_patch_guarded_by_tests()
    {
        await using var kube = await KubeFixture.StartAsync();
        await kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        var actuator = new RisingWaveActuator(kube.Client, TimeProvider.System);

        var result = await actuator.ScaleAsync(new ScaleRequest(Rw, ComponentKey.Compute, 2, 5), CancellationToken.None);

        Assert.Equal(ActuationOutcome.Scaled, result.Outcome);
        var rw = RisingWaveState.From(await kube.RisingWaves.GetAsync("streaming", "rw"));
        Assert.Equal(5, rw.FindGroup(ComponentKey.Compute)!.Replicas);
        Assert.Equal(1, rw.FindGroup(ComponentKey.Compactor)!.Replicas);
        var patch = Assert.Single(kube.Server.Requests, r => r.Method == "PATCH");
        Assert.Equal("application/json-patch+json", patch.ContentType?.Split(';')[0]); // the official client adds "; charset=utf-8"
    }

    // Issue 14, fault 3: the patch meets a 429; while its Retry-After is waited out, someone pauses the cluster. The
    // retried patch fails its resourceVersion test, the next attempt reads again, sees the new override, writes nothing.
    [Fact]
    public async Task A_pause_set_while_a_write_waits_on_a_429_stops_the_write()
    {
        await using var kube = await KubeFixture.StartAsync();
        var created = await kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        using var fault = kube.Server.Faults.Add(RwAutoscaler.TestKit.FakeKube.FaultRule.Respond(429, retryAfter: TimeSpan.FromSeconds(1)) with
        {
            Verb = "patch", PathContains = "/risingwaves/rw", Times = 1,
        });
        var actuator = new RisingWaveActuator(kube.Client, TimeProvider.System);
        var decidedUnder = RwAutoscaler.Autoscaler.Overrides.OverrideAnnotations.Fingerprint(RisingWaveState.From(created).Annotations);

        var writing = actuator.ScaleAsync(new ScaleRequest(Rw, ComponentKey.Compute, 2, 4, decidedUnder), CancellationToken.None);
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(kube.Server.Requests.Any(r => r is { Method: "PATCH", StatusCode: 429 })), "the 429", seconds: 5);
        await kube.RisingWaves.PatchAsync("streaming", "rw", KubePatch.Merge(new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["rwautoscaler.dev/paused"] = "true" } },
        }));
        var result = await writing;

        Assert.Equal(ActuationOutcome.Superseded, result.Outcome);
        Assert.Contains("override annotations", result.Message, StringComparison.Ordinal);
        Assert.Equal(2, RisingWaveState.From(await kube.RisingWaves.GetAsync("streaming", "rw")).FindGroup(ComponentKey.Compute)!.Replicas);
    }

    [Fact]
    public async Task Finds_a_named_group_wherever_it_moved_in_the_list()
    {
        await using var kube = await KubeFixture.StartAsync();
        var obj = KubeFixture.RisingWave("streaming", "rw", compute: 2);
        obj["spec"]!["components"]!["compute"]!["nodeGroups"]!.AsArray().Insert(0, KubeFixture.Group("spot", 3, 4));
        await kube.RisingWaves.CreateAsync(obj);
        var actuator = new RisingWaveActuator(kube.Client, TimeProvider.System);

        var result = await actuator.ScaleAsync(new ScaleRequest(Rw, new ComponentKey(ComponentKind.Compute, "spot"), 3, 6), CancellationToken.None);

        Assert.True(result.Scaled, result.Message);
        var rw = RisingWaveState.From(await kube.RisingWaves.GetAsync("streaming", "rw"));
        Assert.Equal(6, rw.FindGroup(new ComponentKey(ComponentKind.Compute, "spot"))!.Replicas);
        Assert.Equal(2, rw.FindGroup(ComponentKey.Compute)!.Replicas);
    }

    [Fact]
    public async Task A_change_by_someone_else_since_the_decision_is_not_overwritten()
    {
        await using var kube = await KubeFixture.StartAsync();
        await kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        await kube.RisingWaves.PatchAsync("streaming", "rw", KubePatch.Json(new JsonPatchDocument()
            .Replace("/spec/components/compute/nodeGroups/0/replicas", JsonValue.Create(7))));
        var actuator = new RisingWaveActuator(kube.Client, TimeProvider.System);

        var result = await actuator.ScaleAsync(new ScaleRequest(Rw, ComponentKey.Compute, 2, 5), CancellationToken.None);

        Assert.Equal(ActuationOutcome.Superseded, result.Outcome);
        Assert.Contains("is at 7 now, not 2", result.Message, StringComparison.Ordinal);
        Assert.Equal(7, RisingWaveState.From(await kube.RisingWaves.GetAsync("streaming", "rw")).FindGroup(ComponentKey.Compute)!.Replicas);
    }

    [Fact]
    public async Task Never_writes_while_the_operator_is_paused()
    {
        await using var kube = await KubeFixture.StartAsync();
        var obj = KubeFixture.RisingWave("streaming", "rw", compute: 2);
        obj["metadata"]!["annotations"] = new JsonObject { [RisingWaveState.PauseReconcile] = "" };
        await kube.RisingWaves.CreateAsync(obj);
        var actuator = new RisingWaveActuator(kube.Client, TimeProvider.System);

        var result = await actuator.ScaleAsync(new ScaleRequest(Rw, ComponentKey.Compute, 2, 5), CancellationToken.None);

        Assert.Equal(ActuationOutcome.Skipped, result.Outcome);
        Assert.DoesNotContain(kube.Server.Requests, r => r.Method == "PATCH");
    }

    [Fact]
    public async Task A_conflict_is_retried_from_a_fresh_read()
    {
        await using var kube = await KubeFixture.StartAsync();
        await kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        kube.Server.Faults.Add(RwAutoscaler.TestKit.FakeKube.FaultRule.Respond(409) with { Verb = "patch", PathContains = "/risingwaves/rw", Times = 1 });
        var actuator = new RisingWaveActuator(kube.Client, TimeProvider.System);

        var result = await actuator.ScaleAsync(new ScaleRequest(Rw, ComponentKey.Compute, 2, 4), CancellationToken.None);

        Assert.True(result.Scaled, result.Message);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, kube.Server.Requests.Count(r => r.Method == "GET" && r.Path.EndsWith("/risingwaves/rw", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_group_locked_by_a_scale_view_is_scaled_through_the_view()
    {
        await using var kube = await KubeFixture.StartAsync();
        var obj = KubeFixture.RisingWave("streaming", "rw", compute: 3);
        await kube.RisingWaves.CreateAsync(obj);
        await kube.ScaleViews.CreateAsync(new JsonObject
        {
            ["apiVersion"] = "risingwave.risingwavelabs.com/v1alpha1",
            ["kind"] = "RisingWaveScaleView",
            ["metadata"] = new JsonObject { ["name"] = "rw-compute", ["namespace"] = "streaming" },
            ["spec"] = new JsonObject
            {
                ["targetRef"] = new JsonObject { ["name"] = "rw", ["component"] = "compute" },
                ["replicas"] = 3,
                ["labelSelector"] = "risingwave/name=rw,risingwave/component=compute,risingwave/group in ()",
                ["scalePolicy"] = new JsonArray(new JsonObject { ["group"] = "" }),
            },
        });
        var current = await kube.RisingWaves.GetAsync("streaming", "rw");
        current["status"] = new JsonObject
        {
            ["scaleViews"] = new JsonArray(new JsonObject
            {
                ["name"] = "rw-compute", ["component"] = "compute", ["generation"] = 1,
                ["groupLocks"] = new JsonArray(new JsonObject { ["name"] = "", ["replicas"] = 3 }),
            }),
        };
        await kube.RisingWaves.ReplaceStatusAsync(current);
        var actuator = new RisingWaveActuator(kube.Client, TimeProvider.System);

        var result = await actuator.ScaleAsync(new ScaleRequest(Rw, ComponentKey.Compute, 3, 6), CancellationToken.None);

        Assert.True(result.Scaled, result.Message);
        Assert.Equal("rw-compute", result.ScaleView);
        Assert.Equal(6, (int?)(await kube.ScaleViews.GetAsync("streaming", "rw-compute"))["spec"]!["replicas"]);
        Assert.DoesNotContain(kube.Server.Requests, r => r.Method == "PATCH" && r.Path.Contains("/risingwaves/", StringComparison.Ordinal));
        Assert.Contains(kube.Server.Requests, r => r.Method == "PUT" && r.Path.EndsWith("/risingwavescaleviews/rw-compute/scale", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Api_errors_are_results_not_exceptions()
    {
        await using var kube = await KubeFixture.StartAsync();
        var actuator = new RisingWaveActuator(kube.Client, TimeProvider.System);
        var missing = await actuator.ScaleAsync(new ScaleRequest(Rw, ComponentKey.Compute, 2, 5), CancellationToken.None);
        Assert.Equal(ActuationOutcome.Failed, missing.Outcome);
        Assert.Contains("not found", missing.Message, StringComparison.Ordinal);

        await kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        var noGroup = await actuator.ScaleAsync(new ScaleRequest(Rw, new ComponentKey(ComponentKind.Compute, "spot"), 2, 5), CancellationToken.None);
        Assert.Equal(ActuationOutcome.Failed, noGroup.Outcome);
        Assert.Contains("no node group named 'spot'", noGroup.Message, StringComparison.Ordinal);
    }
}
