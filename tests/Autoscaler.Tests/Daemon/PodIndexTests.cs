using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Daemon;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Kube.Watching;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Daemon;

public sealed class PodIndexTests
{
    private static readonly ClusterRef Rw = new("streaming", "rw");
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject Pod(string name, string component = "compute", string group = "", string? phase = "Running", string? ready = "True", JsonArray? containers = null, bool deleting = false)
    {
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = "streaming",
            ["labels"] = new JsonObject { ["risingwave/name"] = "rw", ["risingwave/component"] = component, ["risingwave/group"] = group },
        };
        if (deleting)
        {
            metadata["deletionTimestamp"] = "2026-12-03T09:59:00Z";
        }

        return new JsonObject
        {
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["containers"] = containers ?? new JsonArray(new JsonObject { ["name"] = "c", ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "500m" } } }),
            },
            ["status"] = new JsonObject
            {
                ["phase"] = phase,
                ["startTime"] = "2026-12-03T09:00:00Z",
                ["conditions"] = ready is null ? new JsonArray() : new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready, ["lastTransitionTime"] = "2026-12-03T09:01:00Z" }),
            },
        };
    }

    private static JsonObject Container(string? cpu) => new()
    {
        ["name"] = "c",
        ["resources"] = cpu is null ? new JsonObject() : new JsonObject { ["requests"] = new JsonObject { ["cpu"] = cpu } },
    };

    [Fact]
    public void Pods_are_read_once_per_change_and_found_by_cluster_component_and_group()
    {
        var index = new PodIndex();
        index.On(new(InformerEventType.Added, Pod("c-0")));
        index.On(new(InformerEventType.Added, Pod("c-1", phase: "Pending", ready: "False")));
        index.On(new(InformerEventType.Added, Pod("c-2", containers: new JsonArray(Container("1"), Container("250m")))));
        index.On(new(InformerEventType.Added, Pod("c-3", containers: new JsonArray(Container("1"), Container(null)))));
        index.On(new(InformerEventType.Added, Pod("c-4", deleting: true, phase: "Failed")));
        index.On(new(InformerEventType.Added, Pod("s-0", group: "spot")));
        index.On(new(InformerEventType.Added, Pod("k-0", component: "compactor")));
        index.On(new(InformerEventType.Deleted, Pod("c-4")));

        var compute = index.PodsOf(Rw, ComponentKey.Compute);
        Assert.Equal(["c-0", "c-1", "c-2", "c-3"], compute.Select(p => p.Name));
        Assert.Equal(new PodFacts("c-0", PodPhase.Running, true, false, Now.AddHours(-1), Now.AddMinutes(-59), 0.5), compute[0]);
        Assert.Equal((PodPhase.Pending, false), (compute[1].Phase, compute[1].Ready));
        Assert.Equal(1.25, compute[2].CpuRequest);
        Assert.Null(compute[3].CpuRequest); // a container without a request: HPA cannot measure the pod
        Assert.Equal(["s-0"], index.PodsOf(Rw, new ComponentKey(ComponentKind.Compute, "spot")).Select(p => p.Name));
        Assert.Equal(["k-0"], index.PodsOf(Rw, ComponentKey.Compactor).Select(p => p.Name));
    }

    [Fact]
    public void A_pods_cpu_is_its_cores_over_its_request()
    {
        var pods = new[]
        {
            new PodFacts("a", PodPhase.Running, true, false, null, null, 0.5),
            new PodFacts("b", PodPhase.Running, true, false, null, null, null),
            new PodFacts("c", PodPhase.Running, true, false, null, null, 2),
        };
        var cores = new Dictionary<string, Sample> { ["a"] = new(Now, 0.45), ["b"] = new(Now, 1) };

        var observed = PodIndex.Observe(pods, cores);

        Assert.Equal(0.9, observed[0].Values[Signal.CpuUtilization].Value, 9);
        Assert.Empty(observed[1].Values); // no request
        Assert.Empty(observed[2].Values); // no CPU from Prometheus: a missing metric, as HPA counts it
    }
}
