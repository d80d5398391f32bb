using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Reconciliation;
using RwAutoscaler.Operator.Resources;
using RwAutoscaler.Operator.Runtime;
using RwAutoscaler.Operator.Tests.Support;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Reconciliation;

/// <summary>
/// A RisingWave's life against the fake API server with its Deployment and StatefulSet controllers on:
/// create, scale a group, add and remove groups, change the image, delete. Upstream behaviour from
/// risingwave-operator pkg/controller/risingwave_controller.go (reactiveWorkflow) and
/// pkg/manager/risingwave_controller_manager_impl.go.
/// </summary>
public sealed class LifecycleTests : IAsyncLifetime
{
    private OperatorFixture fx = null!;

    public async Task InitializeAsync() => fx = await OperatorFixture.StartAsync();

    public async Task DisposeAsync() => await fx.DisposeAsync();

    [Fact]
    public async Task Create_makes_upstream_objects_and_reaches_Running()
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));

        await fx.ReconcileAsync(key);
        var first = (await fx.GetAsync(key)).Status!;
        Assert.Equal("True", Condition(first, "Initializing")?.Status);
        Assert.Equal("False", Condition(first, "Running")?.Status);
        Assert.Equal(1, first.ObservedGeneration);

        await fx.ConvergeAsync(key);
        var status = (await fx.GetAsync(key)).Status!;
        Assert.Equal("True", Condition(status, "Running")?.Status);
        Assert.Null(Condition(status, "Initializing"));
        Assert.Equal("v3.0.3", status.Version);
        Assert.Equal("Memory", status.MetaStore?.Backend);
        Assert.Equal("Memory", status.StateStore?.Backend);
        Assert.Equal(new[] { "risingwave-meta", "risingwave-compute" }.Order(), Names(ResourceType.StatefulSets, key).Order());
        Assert.Equal(new[] { "risingwave-compactor", "risingwave-frontend" }, Names(ResourceType.Deployments, key).Order());
        Assert.Equal(new[] { "risingwave-compactor", "risingwave-compute", "risingwave-frontend", "risingwave-meta" }, Names(ResourceType.Services, key).Order());
        Assert.Equal(["risingwave-default-config"], Names(ResourceType.ConfigMaps, key));
        foreach (var component in new[] { status.ComponentReplicas!.Meta!, status.ComponentReplicas.Frontend!, status.ComponentReplicas.Compute!, status.ComponentReplicas.Compactor! })
        {
            Assert.Equal(1, component.Target);
            Assert.Equal(1, component.Running);
            var group = Assert.Single(component.Groups!);
            Assert.Equal(("", 1, 1, true), (group.Name, group.Target, group.Running, group.Exists));
        }

        Assert.Equal(0, status.ComponentReplicas.Standalone!.Target);
        Assert.Contains(fx.Events.Recorded, e => e.Reason == "Running");
    }

    [Fact]
    public async Task Workloads_carry_upstream_labels_selectors_and_owner_reference()
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-node-groups.yaml"));
        await fx.ConvergeAsync(key);
        var uid = (await fx.GetAsync(key)).Metadata.Uid;

        var spot = fx.Server.GetObject(ResourceType.StatefulSets, "default", "risingwave-groups-compute-spot")!;
        var labels = new Dictionary<string, string> { ["risingwave/name"] = "risingwave-groups", ["risingwave/component"] = "compute", ["risingwave/group"] = "spot" };
        foreach (var (k, v) in labels)
        {
            Assert.Equal(v, (string?)spot["metadata"]!["labels"]![k]);
            Assert.Equal(v, (string?)spot["spec"]!["selector"]!["matchLabels"]![k]);
            Assert.Equal(v, (string?)spot["spec"]!["template"]!["metadata"]!["labels"]![k]);
        }

        Assert.Equal("spot", (string?)spot["spec"]!["template"]!["metadata"]!["labels"]!["capacity"]);
        Assert.Equal(3, (int)spot["spec"]!["replicas"]!);
        Assert.Equal("Parallel", (string?)spot["spec"]!["podManagementPolicy"]);
        Assert.Equal("risingwave-groups-compute", (string?)spot["spec"]!["serviceName"]);
        var owner = Assert.Single(spot["metadata"]!["ownerReferences"]!.AsArray())!;
        Assert.Equal((uid, "RisingWave", true, true), ((string?)owner["uid"], (string?)owner["kind"], (bool)owner["controller"]!, (bool)owner["blockOwnerDeletion"]!));

        var container = spot["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.Equal("spot", env["RW_RESOURCE_GROUP"]);
        Assert.Equal("2", env["RW_PARALLELISM"]);
        Assert.Equal("8589934592", env["RW_TOTAL_MEMORY_BYTES"]);
        Assert.Equal("true", env["RW_DISABLE_EMBEDDED_TRACING"]);
        Assert.Equal("info,risingwave_stream=debug", env["RUST_LOG"]);
        Assert.Equal("cloud.google.com/gke-spot", (string?)spot["spec"]!["template"]!["spec"]!["tolerations"]![0]!["key"]);

        var defaultCompute = fx.Server.GetObject(ResourceType.StatefulSets, "default", "risingwave-groups-compute")!;
        Assert.DoesNotContain(defaultCompute["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray(), e => (string?)e!["name"] == "RW_RESOURCE_GROUP");
        Assert.Equal("", (string?)defaultCompute["metadata"]!["labels"]!["risingwave/group"]);

        var compactorSpot = fx.Server.GetObject(ResourceType.Deployments, "default", "risingwave-groups-compactor-spot")!;
        Assert.Equal("Recreate", (string?)compactorSpot["spec"]!["strategy"]!["type"]);

        var service = fx.Server.GetObject(ResourceType.Services, "default", "risingwave-groups-compute")!;
        Assert.Equal("None", (string?)service["spec"]!["clusterIP"]);
        Assert.Null(service["spec"]!["selector"]!["risingwave/group"]);
        Assert.Equal([("service", 5688), ("metrics", 1222)], service["spec"]!["ports"]!.AsArray().Select(p => ((string)p!["name"]!, (int)p!["port"]!)));
        var frontend = fx.Server.GetObject(ResourceType.Services, "default", "risingwave-groups-frontend")!;
        Assert.Equal("ClusterIP", (string?)frontend["spec"]!["type"]);
        Assert.NotEqual("None", (string?)frontend["spec"]!["clusterIP"]);
        Assert.Equal([4567, 8080, 4560], frontend["spec"]!["ports"]!.AsArray().Select(p => (int)p!["port"]!));

        var config = fx.Server.GetObject(ResourceType.ConfigMaps, "default", "risingwave-groups-default-config")!;
        Assert.Equal("config", (string?)config["metadata"]!["labels"]!["risingwave/component"]);
        Assert.Equal("nosync", (string?)config["metadata"]!["labels"]!["risingwave/generation"]);
        Assert.Equal("", (string?)config["data"]!["risingwave.toml"]);
    }

    [Fact]
    public async Task A_second_reconcile_of_an_unchanged_resource_writes_nothing()
    {
        foreach (var example in new[] { "risingwave-memory.yaml", "risingwave-node-groups.yaml", "risingwave-postgresql-s3.yaml" })
        {
            var key = await fx.CreateAsync(Repository.LoadRisingWave(example));
            await fx.ConvergeAsync(key);

            Assert.Empty(await fx.ReconcileAsync(key));
            Assert.Empty(await fx.ReconcileAsync(key));
        }
    }

    [Fact]
    public async Task Scaling_a_group_up_and_down_goes_through_Upgrading_and_updates_status()
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-node-groups.yaml"));
        await fx.ConvergeAsync(key);
        var running = Condition((await fx.GetAsync(key)).Status!, "Running")!;

        // What the autoscaler does: patch one group's replicas, guarded by a test on its name.
        fx.Server.PodsReady = false;
        await fx.PatchAsync(key, """[{"op":"test","path":"/spec/components/compute/nodeGroups/1/name","value":"spot"},{"op":"replace","path":"/spec/components/compute/nodeGroups/1/replicas","value":5}]""");
        var writes = await fx.ReconcileAsync(key);

        Assert.Contains(writes, w => w.Method == "PUT" && w.Path.EndsWith("/statefulsets/risingwave-groups-compute-spot", StringComparison.Ordinal));
        Assert.DoesNotContain(writes, w => w.Path.Contains("/statefulsets/risingwave-groups-compute", StringComparison.Ordinal) && !w.Path.EndsWith("-spot", StringComparison.Ordinal));
        var upgrading = (await fx.GetAsync(key)).Status!;
        Assert.Equal(2, upgrading.ObservedGeneration);
        Assert.Equal("True", Condition(upgrading, "Upgrading")?.Status);
        Assert.Equal(7, upgrading.ComponentReplicas!.Compute!.Target);
        Assert.Equal(5, upgrading.ComponentReplicas.Compute.Groups!.Single(g => g.Name == "spot").Target);
        Assert.Equal(5, (int)fx.Server.GetObject(ResourceType.StatefulSets, "default", "risingwave-groups-compute-spot")!["spec"]!["replicas"]!);

        fx.Server.PodsReady = true;
        await fx.ConvergeAsync(key);
        var done = (await fx.GetAsync(key)).Status!;
        Assert.Equal("False", Condition(done, "Upgrading")?.Status);
        Assert.Equal(7, done.ComponentReplicas!.Compute!.Running);
        Assert.Equal(running.LastTransitionTime, Condition(done, "Running")!.LastTransitionTime);

        await fx.PatchAsync(key, """[{"op":"replace","path":"/spec/components/compute/nodeGroups/1/replicas","value":0}]""");
        await fx.ConvergeAsync(key);
        var scaledIn = (await fx.GetAsync(key)).Status!;
        Assert.Equal(0, (int)fx.Server.GetObject(ResourceType.StatefulSets, "default", "risingwave-groups-compute-spot")!["spec"]!["replicas"]!);
        Assert.Equal((2, 2), (scaledIn.ComponentReplicas!.Compute!.Target, scaledIn.ComponentReplicas.Compute.Running));
        Assert.Equal(("spot", 0, 0, true), scaledIn.ComponentReplicas.Compute.Groups!.Select(g => (g.Name, g.Target, g.Running, g.Exists)).Single(g => g.Name == "spot"));
        Assert.Equal(3, scaledIn.ObservedGeneration);
    }

    [Fact]
    public async Task Adding_and_removing_a_group_creates_and_deletes_its_workload()
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));
        await fx.ConvergeAsync(key);

        await fx.PatchAsync(key, """[{"op":"add","path":"/spec/components/compactor/nodeGroups/-","value":{"name":"burst","replicas":2}}]""");
        await fx.ConvergeAsync(key);
        Assert.Equal(["risingwave-compactor", "risingwave-compactor-burst"], Names(ResourceType.Deployments, key).Where(n => n.Contains("compactor", StringComparison.Ordinal)).Order());
        var added = (await fx.GetAsync(key)).Status!.ComponentReplicas!.Compactor!;
        Assert.Equal((3, 3), (added.Target, added.Running));

        await fx.PatchAsync(key, """[{"op":"test","path":"/spec/components/compactor/nodeGroups/1/name","value":"burst"},{"op":"remove","path":"/spec/components/compactor/nodeGroups/1"}]""");
        var writes = await fx.ReconcileAsync(key);
        Assert.Contains(writes, w => w.Method == "DELETE" && w.Path.EndsWith("/deployments/risingwave-compactor-burst", StringComparison.Ordinal));
        await fx.ConvergeAsync(key);
        Assert.Null(fx.Server.GetObject(ResourceType.Deployments, "default", "risingwave-compactor-burst"));
        var removed = (await fx.GetAsync(key)).Status!;
        Assert.Equal(("", 1, 1, true), removed.ComponentReplicas!.Compactor!.Groups!.Select(g => (g.Name, g.Target, g.Running, g.Exists)).Single());
        Assert.Equal("True", Condition(removed, "Running")?.Status);
    }

    [Fact]
    public async Task Changing_the_image_is_Upgrading_until_rolled_out_then_Running()
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));
        await fx.ConvergeAsync(key);
        var before = (await fx.GetAsync(key)).Status!;

        fx.Server.PodsReady = false;
        await fx.PatchAsync(key, """[{"op":"replace","path":"/spec/image","value":"risingwavelabs/risingwave:v3.1.0"}]""");
        var writes = await fx.ReconcileAsync(key);
        Assert.Equal(4, writes.Count(w => w.Method == "PUT" && w.Path.Contains("/apis/apps/v1/", StringComparison.Ordinal)));
        Assert.DoesNotContain(writes, w => w.Path.Contains("/services/", StringComparison.Ordinal));
        Assert.Equal("risingwavelabs/risingwave:v3.1.0",
            (string?)fx.Server.GetObject(ResourceType.StatefulSets, "default", "risingwave-compute")!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);

        await fx.ReconcileAsync(key);
        var upgrading = (await fx.GetAsync(key)).Status!;
        Assert.Equal("True", Condition(upgrading, "Upgrading")?.Status);
        Assert.Equal("v3.1.0", upgrading.Version);
        Assert.Contains(fx.Events.Recorded, e => e.Reason == "Upgrading");

        fx.Server.PodsReady = true;
        await fx.ConvergeAsync(key);
        var after = (await fx.GetAsync(key)).Status!;
        Assert.Equal("False", Condition(after, "Upgrading")?.Status);
        Assert.Equal("True", Condition(after, "Running")?.Status);
        Assert.Equal(Condition(before, "Running")!.LastTransitionTime, Condition(after, "Running")!.LastTransitionTime);
        Assert.Contains(fx.Events.Recorded, e => e.Reason == "Upgraded");
    }

    [Fact]
    public async Task A_deleted_workload_is_made_again_in_the_same_reconcile_without_Running_flapping()
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));
        await fx.ConvergeAsync(key);
        var running = Condition((await fx.GetAsync(key)).Status!, "Running")!;

        await fx.Client.Resource(ResourceType.Deployments).DeleteAsync("default", "risingwave-frontend");
        var writes = await fx.ReconcileAsync(key);

        Assert.Contains(writes, w => w.Method == "POST" && w.Path.EndsWith("/deployments", StringComparison.Ordinal));
        Assert.NotNull(fx.Server.GetObject(ResourceType.Deployments, "default", "risingwave-frontend"));
        await fx.ConvergeAsync(key);
        Assert.Equal(running, Condition((await fx.GetAsync(key)).Status!, "Running"));
        Assert.DoesNotContain(fx.Events.Recorded, e => e.Reason == "Unhealthy");
    }

    [Fact]
    public async Task Deleting_the_RisingWave_deletes_its_objects_through_owner_references()
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-node-groups.yaml"));
        await fx.ConvergeAsync(key);
        Assert.NotEmpty(fx.Objects(ResourceType.StatefulSets, key));

        await fx.RisingWaves.DeleteAsync(key.Namespace, key.Name);
        Assert.Empty(await fx.ReconcileAsync(key));

        foreach (var type in OperatorCaches.OwnedTypes)
        {
            Assert.Empty(fx.Objects(type, key));
        }
    }

    [Fact]
    public async Task Drift_in_a_field_the_operator_sets_is_put_back_and_foreign_labels_are_kept()
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));
        await fx.ConvergeAsync(key);

        var deployments = fx.Client.Resource(ResourceType.Deployments);
        var live = await deployments.GetAsync("default", "risingwave-compactor");
        live["spec"]!["replicas"] = 7;
        live["metadata"]!["labels"]!["team"] = "streaming";
        var config = fx.Server.GetObject(ResourceType.ConfigMaps, "default", "risingwave-default-config")!;
        live["metadata"]!["ownerReferences"]!.AsArray().Add(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = "risingwave-default-config", ["uid"] = config.GetUid() });
        await deployments.ReplaceAsync(live);

        // One write puts the Deployment back; the status (which saw 7 running) is the only other write.
        var writes = await fx.ReconcileAsync(key);
        var repair = Assert.Single(writes, w => !w.Path.EndsWith("/status", StringComparison.Ordinal));
        Assert.Equal("PUT", repair.Method);
        Assert.EndsWith("/deployments/risingwave-compactor", repair.Path, StringComparison.Ordinal);
        var repaired = fx.Server.GetObject(ResourceType.Deployments, "default", "risingwave-compactor")!;
        Assert.Equal(1, (int)repaired["spec"]!["replicas"]!);
        Assert.Equal("streaming", (string?)repaired["metadata"]!["labels"]!["team"]);
        Assert.Equal(["RisingWave", "ConfigMap"], repaired["metadata"]!["ownerReferences"]!.AsArray().Select(r => (string?)r!["kind"]));
        await fx.ConvergeAsync(key);
    }

    [Fact]
    public async Task A_field_removed_from_the_spec_is_removed_from_the_workload()
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-node-groups.yaml"));
        await fx.ConvergeAsync(key);

        await fx.PatchAsync(key, """[{"op":"remove","path":"/spec/components/frontend/nodeGroups/0/template/spec/nodeSelector"}]""");
        await fx.ConvergeAsync(key);

        var zoneA = fx.Server.GetObject(ResourceType.Deployments, "default", "risingwave-groups-frontend-zone-a")!;
        Assert.Null(zoneA["spec"]!["template"]!["spec"]!["nodeSelector"]);
    }

    internal static Condition? Condition(RisingWaveStatus status, string type) => Conditions.Find(status.Conditions, type);

    private IEnumerable<string> Names(ResourceType type, RisingWaveKey key) => fx.Objects(type, key).Select(o => o.GetName()!);
}
