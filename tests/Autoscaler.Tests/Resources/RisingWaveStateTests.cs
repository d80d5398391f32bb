using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Resources;

public sealed class RisingWaveStateTests
{
    [Fact]
    public void Reads_replicas_running_cores_and_progress_per_group()
    {
        var obj = KubeFixture.RisingWave("streaming", "rw", compute: 4, compactor: 2, cores: 8);
        obj["metadata"]!["generation"] = 5;
        obj["status"] = JsonNode.Parse("""
            {"observedGeneration": 5,
             "componentReplicas": {"compute": {"target": 4, "running": 3, "groups": [{"name": "", "target": 4, "running": 3}]},
                                   "compactor": {"target": 2, "running": 2, "groups": [{"name": "", "target": 2, "running": 2}]}}}
            """);
        var rw = RisingWaveState.From(obj);
        var compute = rw.Component(ComponentKey.Compute)!;
        Assert.Equal((4, 3, true, 8.0), (compute.Target, compute.Running, compute.RescaleInProgress, compute.CoresPerReplica!.Value));
        var compactor = rw.Component(ComponentKey.Compactor)!;
        Assert.Equal((2, 2, false), (compactor.Target, compactor.Running, compactor.RescaleInProgress));
        Assert.Null(rw.Component(new ComponentKey(ComponentKind.Compute, "spot")));
    }

    [Theory]
    [InlineData("""{"metadata": {"generation": 3}, "status": {"observedGeneration": 2}}""", true)]
    [InlineData("""{"metadata": {"generation": 3}, "status": {"observedGeneration": 3, "conditions": [{"type": "Upgrading", "status": "True"}]}}""", true)]
    [InlineData("""{"metadata": {"generation": 3}, "status": {"observedGeneration": 3, "conditions": [{"type": "Upgrading", "status": "False"}]}}""", false)]
    [InlineData("""{"metadata": {"generation": 3}}""", false)]
    public void A_rescale_is_in_progress_until_the_operator_has_caught_up(string json, bool inProgress)
    {
        var obj = KubeFixture.RisingWave("streaming", "rw", compute: 2);
        var extra = JsonNode.Parse(json)!.AsObject();
        obj["metadata"]!["generation"] = extra["metadata"]!["generation"]!.DeepClone();
        if (extra["status"] is { } status)
        {
            obj["status"] = status.DeepClone();
        }

        Assert.Equal(inProgress, RisingWaveState.From(obj).Component(ComponentKey.Compute)!.RescaleInProgress);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"metadata": 7, "spec": "x", "status": []}""")]
    [InlineData("""{"spec": {"components": {"compute": {"nodeGroups": [3, null, {"name": 5, "replicas": "many"}]}}}}""")]
    [InlineData("""{"spec": {"components": {"compute": {"nodeGroups": [{"name": "", "replicas": -4, "template": {"spec": {"resources": {"limits": {"cpu": "lots"}}}}}]}}}}""")]
    [InlineData("""{"status": {"componentReplicas": {"compute": {"groups": "x"}}, "scaleViews": [{"name": 1}, {"name": "v", "component": "meta"}], "conditions": {}}}""")]
    public void Garbage_reads_as_absent_and_never_throws(string json)
    {
        var rw = RisingWaveState.From(JsonNode.Parse(json)!.AsObject());
        Assert.Empty(rw.ScaleViews);
        if (rw.Component(ComponentKey.Compute) is { } compute)
        {
            Assert.Equal(0, compute.Target);
            Assert.Null(compute.CoresPerReplica);
        }
    }

    [Theory]
    [InlineData("8", 8.0)]
    [InlineData("2.5", 2.5)]
    [InlineData("500m", 0.5)]
    [InlineData("0", null)]
    [InlineData("x", null)]
    public void Cpu_limits_are_kubernetes_quantities(string text, double? cores) =>
        Assert.Equal(cores, RisingWaveState.Cpu(JsonValue.Create(text)));

    [Fact]
    public void A_scale_view_lock_sums_the_groups_it_covers()
    {
        var obj = KubeFixture.RisingWave("streaming", "rw", compute: 2);
        obj["spec"]!["components"]!["compute"]!["nodeGroups"]!.AsArray().Add(KubeFixture.Group("spot", 3, 4));
        obj["status"] = JsonNode.Parse("""
            {"scaleViews": [{"name": "all-compute", "component": "compute", "groupLocks": [{"name": "", "replicas": 2}, {"name": "spot", "replicas": 3}]}],
             "componentReplicas": {"compute": {"groups": [{"name": "", "running": 2}, {"name": "spot", "running": 1}]}}}
            """);
        var compute = RisingWaveState.From(obj).Component(ComponentKey.Compute)!;
        Assert.Equal(("all-compute", 5, 3), (compute.ScaleView, compute.Target, compute.Running));
    }
}
