using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Reconciliation;
using RwAutoscaler.Operator.Resources;
using RwAutoscaler.Operator.Tests.Support;
using RwAutoscaler.TestKit.FakeKube;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Reconciliation;

/// <summary>
/// Optimistic concurrency (api-conventions "Concurrency Control and Consistency": on 409 "GET the resource
/// again, apply the changes afresh, and try submitting again") and the upstream pause annotation.
/// </summary>
public sealed class ConcurrencyAndPauseTests : IAsyncLifetime
{
    private OperatorFixture fx = null!;

    public async Task InitializeAsync() => fx = await OperatorFixture.StartAsync();

    public async Task DisposeAsync() => await fx.DisposeAsync();

    [Fact]
    public async Task An_update_from_a_stale_cache_meets_a_real_conflict_and_is_retried_from_a_fresh_read()
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));
        await fx.ConvergeAsync(key);
        await fx.SettleAsync();
        var stale = fx.Caches.Owned(ResourceType.StatefulSets).Get("default", "risingwave-compute")!;

        // Someone else writes the StatefulSet; our cache is made to miss it (as a lagging watch would).
        var statefulSets = fx.Client.Resource(ResourceType.StatefulSets);
        var live = await statefulSets.GetAsync("default", "risingwave-compute");
        live["metadata"]!["labels"]!["team"] = "streaming";
        await statefulSets.ReplaceAsync(live);
        await fx.PatchAsync(key, """[{"op":"replace","path":"/spec/components/compute/nodeGroups/0/replicas","value":3}]""");
        await fx.SettleAsync();
        var cache = fx.Caches.Owned(ResourceType.StatefulSets);
        cache.Remember(stale, cache.Stamp("default", "risingwave-compute"));

        var before = fx.Server.Requests.Count;
        await fx.Reconciler.ReconcileAsync(key, CancellationToken.None);
        var requests = fx.Server.Requests.Skip(before).Where(r => r.Path.EndsWith("/statefulsets/risingwave-compute", StringComparison.Ordinal)).ToList();

        Assert.Equal([("PUT", 409), ("GET", 200), ("PUT", 200)], requests.Select(r => (r.Method, r.StatusCode)));
        var result = fx.Server.GetObject(ResourceType.StatefulSets, "default", "risingwave-compute")!;
        Assert.Equal(3, (int)result["spec"]!["replicas"]!);
        Assert.Equal("streaming", (string?)result["metadata"]!["labels"]!["team"]);
    }

    [Fact]
    public async Task A_status_write_that_conflicts_is_retried_from_a_fresh_read()
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));
        using var conflict = fx.Server.Faults.Add(FaultRule.Respond(409) with { Verb = "update", PathContains = "/risingwaves/risingwave/status", Times = 1 });

        await fx.ReconcileAsync(key);

        Assert.Equal(1, conflict.Hits);
        var status = (await fx.GetAsync(key)).Status!;
        Assert.Equal("True", LifecycleTests.Condition(status, "Initializing")?.Status);
        Assert.Contains(fx.Server.Requests, r => r.Method == "GET" && r.Path.EndsWith("/risingwaves/risingwave", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Conflicts_that_persist_fail_the_reconcile_for_a_requeue()
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));
        await fx.ConvergeAsync(key);
        await fx.PatchAsync(key, """[{"op":"replace","path":"/spec/components/meta/nodeGroups/0/replicas","value":0}]""");
        await fx.SettleAsync();
        using var conflicts = fx.Server.Faults.Add(FaultRule.Respond(409) with { Verb = "update", PathContains = "/statefulsets/risingwave-meta" });

        await Assert.ThrowsAnyAsync<Exception>(() => fx.Reconciler.ReconcileAsync(key, CancellationToken.None));
        Assert.Equal(new ReconcilerOptions().ConflictAttempts, conflicts.Hits);
    }

    [Fact]
    public async Task The_pause_annotation_stops_all_writes_until_it_is_removed()
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));
        await fx.ConvergeAsync(key);
        var annotation = RisingWaveLabels.PauseReconcileAnnotation.Replace("/", "~1", StringComparison.Ordinal);
        await fx.PatchAsync(key, $$$"""[{"op":"add","path":"/metadata/annotations","value":{"{{{RisingWaveLabels.PauseReconcileAnnotation}}}":""}}]""");
        await fx.PatchAsync(key, """[{"op":"replace","path":"/spec/components/compute/nodeGroups/0/replicas","value":4}]""");

        Assert.Empty(await fx.ReconcileAsync(key));
        Assert.Equal(1, (int)fx.Server.GetObject(ResourceType.StatefulSets, "default", "risingwave-compute")!["spec"]!["replicas"]!);
        Assert.Equal(1, (await fx.GetAsync(key)).Status!.ObservedGeneration);

        await fx.PatchAsync(key, $$"""[{"op":"remove","path":"/metadata/annotations/{{annotation}}"}]""");
        await fx.ConvergeAsync(key);
        Assert.Equal(4, (int)fx.Server.GetObject(ResourceType.StatefulSets, "default", "risingwave-compute")!["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task An_object_controlled_by_someone_else_is_not_taken_over()
    {
        var owner = await fx.Client.Resource(ResourceType.ConfigMaps).CreateAsync(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "other" } });
        await fx.Client.Resource(ResourceType.Services).CreateAsync(new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = "risingwave-meta",
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = "other", ["uid"] = owner.GetUid(), ["controller"] = true,
                }),
                ["labels"] = new JsonObject { ["risingwave/name"] = "risingwave" },
            },
            ["spec"] = JsonNode.Parse("""{"ports":[{"port":1}]}"""),
        });
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));

        var error = await Assert.ThrowsAsync<ObjectOwnershipException>(() => fx.ReconcileAsync(key));
        Assert.Contains("Service default/risingwave-meta", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (int)fx.Server.GetObject(ResourceType.Services, "default", "risingwave-meta")!["spec"]!["ports"]![0]!["port"]!);
    }
}
