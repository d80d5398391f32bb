using k8s.Models;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Tests.FakeServer;

/// <summary>Checklist item 10: the switchable controllers (GC by owner UID, workloads becoming ready).</summary>
public sealed class ControllerTests : FakeServerTest
{
    private async Task<(JsonObject Owner, V1OwnerReference Ref)> OwnerAsync()
    {
        var owner = await Client.Resource(RisingWaves).CreateAsync(RisingWave("rw"));
        return (owner, new V1OwnerReference
        {
            ApiVersion = "risingwave.risingwavelabs.com/v1alpha1", Kind = "RisingWave", Name = "rw", Uid = owner.GetUid()!,
            Controller = true, BlockOwnerDeletion = true,
        });
    }

    private Task<V1ConfigMap> DependentAsync(string name, params V1OwnerReference[] owners) =>
        Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = name, OwnerReferences = owners } });

    // garbage-collection.md: background cascading deletion deletes dependents whose owners are all gone.
    [Fact]
    public async Task the_garbage_collector_deletes_dependents_whose_owner_uid_is_gone()
    {
        Server.GarbageCollection = true;
        var (_, ownerRef) = await OwnerAsync();
        await DependentAsync("rw-config", ownerRef);
        await Client.Resource(RisingWaves).DeleteAsync("default", "rw");
        Assert.Null(await Client.Builtin<V1ConfigMap>().GetOrNullAsync("default", "rw-config"));
    }

    // Contract §1.10, §3.4: the GC belongs to the controller manager; with it off (the default, like envtest) nothing cleans up.
    [Fact]
    public async Task without_the_garbage_collector_dependents_stay()
    {
        var (_, ownerRef) = await OwnerAsync();
        await DependentAsync("rw-config", ownerRef);
        await Client.Resource(RisingWaves).DeleteAsync("default", "rw");
        Assert.NotNull(await Client.Builtin<V1ConfigMap>().GetOrNullAsync("default", "rw-config"));
    }

    // A dependent with another live owner is kept; the dangling reference is dropped.
    [Fact]
    public async Task a_dependent_with_another_live_owner_keeps_living()
    {
        Server.GarbageCollection = true;
        var (_, ownerRef) = await OwnerAsync();
        var other = await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "other-owner" } });
        var otherRef = new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "other-owner", Uid = other.Metadata.Uid! };
        await DependentAsync("shared", ownerRef, otherRef);
        await Client.Resource(RisingWaves).DeleteAsync("default", "rw");
        var shared = await Client.Builtin<V1ConfigMap>().GetAsync("default", "shared");
        Assert.Equal(other.Metadata.Uid, Assert.Single(shared.Metadata.OwnerReferences!).Uid);
    }

    // V1DeleteOptions.propagationPolicy=Orphan adds the orphan finalizer; the GC strips owner references and lets the owner go.
    [Fact]
    public async Task orphan_propagation_keeps_dependents_without_the_owner_reference()
    {
        Server.GarbageCollection = true;
        var (_, ownerRef) = await OwnerAsync();
        await DependentAsync("rw-config", ownerRef);
        await Client.Resource(RisingWaves).DeleteAsync("default", "rw", new V1DeleteOptions { PropagationPolicy = "Orphan" });
        Assert.Null(await Client.Resource(RisingWaves).GetOrNullAsync("default", "rw"));
        var orphan = await Client.Builtin<V1ConfigMap>().GetAsync("default", "rw-config");
        Assert.Null(orphan.Metadata.OwnerReferences);
    }

    // Foreground propagation: the owner waits (foregroundDeletion finalizer) until its dependents are gone.
    [Fact]
    public async Task foreground_propagation_deletes_dependents_before_the_owner()
    {
        Server.GarbageCollection = true;
        var (_, ownerRef) = await OwnerAsync();
        await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap
        {
            Metadata = new() { Name = "held", OwnerReferences = [ownerRef], Finalizers = ["example.com/hold"] },
        });
        var pending = await Client.Resource(RisingWaves).DeleteAsync("default", "rw", new V1DeleteOptions { PropagationPolicy = "Foreground" });
        Assert.Contains("foregroundDeletion", pending!["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
        Assert.NotNull(await Client.Resource(RisingWaves).GetOrNullAsync("default", "rw"));
        await Client.Builtin<V1ConfigMap>().PatchAsync("default", "held", Kube.Client.KubePatch.Merge(JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!));
        Assert.Null(await Client.Builtin<V1ConfigMap>().GetOrNullAsync("default", "held"));
        Assert.Null(await Client.Resource(RisingWaves).GetOrNullAsync("default", "rw"));
    }

    // V1Namespace lifecycle: Terminating until emptied (by the namespace controller, here part of the GC switch).
    [Fact]
    public async Task deleting_a_namespace_empties_it_then_removes_it()
    {
        Server.GarbageCollection = true;
        Server.CreateNamespace("team");
        await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "c" } }, "team");
        await Client.Builtin<V1Namespace>().DeleteAsync(null, "team");
        Assert.Null(await Client.Builtin<V1Namespace>().GetOrNullAsync(null, "team"));
        Assert.Empty(Server.ListObjects(ResourceType.ConfigMaps, "team"));
    }

    // Contract checklist 10: a stand-in V1StatefulSet/V1Deployment controller copies spec.replicas into status.
    [Fact]
    public async Task the_workload_controller_reports_ready_replicas_and_observed_generation()
    {
        Server.WorkloadControllers = true;
        var deployments = Client.Builtin<V1Deployment>();
        await deployments.CreateAsync(Deployment("web", 3));
        var d = await deployments.GetAsync("default", "web");
        Assert.Equal((1L, 3, 3, 3, 3), (d.Status!.ObservedGeneration, d.Status.Replicas, d.Status.UpdatedReplicas, d.Status.ReadyReplicas, d.Status.AvailableReplicas));
        Assert.Contains(d.Status.Conditions, c => c.Type == "Available" && c.Status == "True");

        var sts = Client.Builtin<V1StatefulSet>();
        await sts.CreateAsync(new V1StatefulSet
        {
            Metadata = new() { Name = "compute" },
            Spec = new V1StatefulSetSpec { Replicas = 2, ServiceName = "compute", Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["c"] = "compute" } } },
        });
        await sts.PatchScaleAsync("default", "compute", Kube.Client.KubePatch.Replicas(4));
        var s = await sts.GetAsync("default", "compute");
        Assert.Equal((2L, 4, 4, 4), (s.Status!.ObservedGeneration!.Value, s.Status.Replicas, s.Status.ReadyReplicas!.Value, s.Status.AvailableReplicas!.Value));
    }

    // Tests can hold pods unready, then let them become ready.
    [Fact]
    public async Task pods_can_be_held_unready_and_then_released()
    {
        Server.WorkloadControllers = true;
        Server.PodsReady = false;
        var deployments = Client.Builtin<V1Deployment>();
        await deployments.CreateAsync(Deployment("web", 2));
        var held = await deployments.GetAsync("default", "web");
        Assert.Null(held.Status!.ReadyReplicas);
        Assert.DoesNotContain(held.Status.Conditions ?? [], c => c.Type == "Available" && c.Status == "True");
        Server.PodsReady = true;
        var released = await deployments.GetAsync("default", "web");
        Assert.Equal(2, released.Status!.ReadyReplicas);
    }

    // A controller's status write that changes nothing is a no-op: no event churn.
    [Fact]
    public async Task the_workload_controller_does_not_churn()
    {
        Server.WorkloadControllers = true;
        await Client.Builtin<V1Deployment>().CreateAsync(Deployment("web", 1));
        var rv = Server.ResourceVersion;
        Server.WorkloadControllers = true;
        Assert.Equal(rv, Server.ResourceVersion);
    }
}
