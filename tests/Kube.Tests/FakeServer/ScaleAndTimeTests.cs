using k8s.Models;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Tests.FakeServer;

/// <summary>Checklist items 8 and 9: /scale, MicroTime strictness.</summary>
public sealed class ScaleAndTimeTests : FakeServerTest
{
    // autoscaling/v1 V1Scale for apps/v1 V1Deployment: spec.replicas, status.replicas, selector in query-string form.
    [Fact]
    public async Task the_scale_of_a_deployment_reads_and_writes_spec_replicas()
    {
        var deployments = Client.Builtin<V1Deployment>();
        await deployments.CreateAsync(Deployment("web", 2));
        var scale = await deployments.GetScaleAsync("default", "web");
        Assert.Equal("Scale", scale.Kind);
        Assert.Equal("autoscaling/v1", scale.ApiVersion);
        Assert.Equal(2, scale.Spec.Replicas);
        Assert.Equal("app=web", scale.Status!.Selector);
        var updated = await deployments.ReplaceScaleAsync("default", "web", scale with { Spec = new V1ScaleSpec { Replicas = 4 } });
        Assert.Equal(4, updated.Spec.Replicas);
        var d = await deployments.GetAsync("default", "web");
        Assert.Equal(4, d.Spec!.Replicas);
        Assert.Equal(2, d.Metadata.Generation);
        var patched = await deployments.PatchScaleAsync("default", "web", KubePatch.Replicas(0));
        Assert.Null(patched.Spec.Replicas);
    }

    // A PUT /scale with a stale metadata.resourceVersion has the usual conflict semantics.
    [Fact]
    public async Task a_stale_scale_update_is_a_conflict()
    {
        var sts = Client.Builtin<V1StatefulSet>();
        await sts.CreateAsync(new V1StatefulSet
        {
            Metadata = new() { Name = "compute" },
            Spec = new V1StatefulSetSpec { Replicas = 1, ServiceName = "compute", Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["c"] = "compute" } } },
        });
        var scale = await sts.GetScaleAsync("default", "compute");
        await sts.PatchScaleAsync("default", "compute", KubePatch.Replicas(2));
        var e = await ThrowsApiAsync(() => sts.ReplaceScaleAsync("default", "compute", scale with { Spec = new V1ScaleSpec { Replicas = 3 } }));
        Assert.True(e.IsConflict);
    }

    // CRD "Scale subresource": specReplicasPath, statusReplicasPath (missing = 0), labelSelectorPath
    // (risingwave-operator RisingWaveScaleView: specpath=.spec.replicas, statuspath=.status.replicas, selectorpath).
    [Fact]
    public async Task a_custom_resource_scales_through_its_path_triple()
    {
        var views = Client.Resource(ScaleViews);
        await views.CreateAsync(new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "rw-compute" },
            ["spec"] = new JsonObject { ["replicas"] = 2, ["targetRef"] = new JsonObject { ["name"] = "rw", ["component"] = "compute" } },
        });
        var scale = await views.GetScaleAsync("default", "rw-compute");
        Assert.Equal(2, scale.Spec.Replicas);
        Assert.Equal(0, scale.Status!.Replicas);
        Assert.Null(scale.Status.Selector);
        await views.PatchStatusAsync("default", "rw-compute", KubePatch.Merge(JsonNode.Parse("""{"status":{"replicas":2}}""")!));
        await views.PatchAsync("default", "rw-compute", KubePatch.Merge(JsonNode.Parse("""{"spec":{"labelSelector":"risingwave/name=rw,risingwave/component=compute"}}""")!));
        scale = await views.GetScaleAsync("default", "rw-compute");
        Assert.Equal("risingwave/name=rw,risingwave/component=compute", scale.Status!.Selector);
        Assert.Equal(2, scale.Status.Replicas);
        await views.PatchScaleAsync("default", "rw-compute", KubePatch.Replicas(5));
        var view = await views.GetAsync("default", "rw-compute");
        Assert.Equal(5, (int?)view["spec"]!["replicas"]);
        Assert.Equal("rw", (string?)view["spec"]!["targetRef"]!["name"]);
    }

    // apiextensions etcd.go: GET /scale with no value at specReplicasPath is an internal error naming the path.
    [Fact]
    public async Task scale_of_a_custom_resource_without_spec_replicas_is_an_internal_error()
    {
        await Client.Resource(ScaleViews).CreateAsync(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "v" }, ["spec"] = new JsonObject() });
        var e = await ThrowsApiAsync(() => Client.Resource(ScaleViews).GetScaleAsync("default", "v"));
        Assert.Equal(500, e.Code);
        Assert.Contains("the spec replicas field \".spec.replicas\" does not exist", e.Status.Message, StringComparison.Ordinal);
    }

    // A resource without a scale subresource has no /scale path.
    [Fact]
    public async Task a_resource_without_a_scale_subresource_has_no_scale_path()
    {
        await Client.Resource(RisingWaves).CreateAsync(RisingWave("rw"));
        var e = await ThrowsApiAsync(() => Client.Resource(RisingWaves).GetScaleAsync("default", "rw"));
        Assert.True(e.IsNotFound);
    }

    // micro_time.go parses RFC3339Micro exactly: 3 digits (kubernetes-client/javascript#828) and 9 digits
    // (krustlet#5) are 400 BadRequest; 6 digits are accepted.
    [Theory]
    [InlineData("2024-01-02T03:04:05.278Z", false)]
    [InlineData("2024-01-02T03:04:05.123456789Z", false)]
    [InlineData("2024-01-02T03:04:05Z", false)]
    [InlineData("2024-01-02T03:04:05.1234567Z", false)]
    [InlineData("2024-01-02T03:04:05.123456Z", true)]
    public async Task lease_times_must_have_exactly_six_fractional_digits(string renewTime, bool accepted)
    {
        var (code, body) = await SendAsync(HttpMethod.Post, "/apis/coordination.k8s.io/v1/namespaces/default/leases",
            $$$"""{"metadata":{"name":"l"},"spec":{"holderIdentity":"a","renewTime":"{{{renewTime}}}"}}""");
        Assert.Equal(accepted ? 201 : 400, code);
        if (!accepted)
        {
            Assert.Equal("BadRequest", (string?)body["reason"]);
            Assert.Contains("cannot be handled as a Lease: parsing time", (string?)body["message"], StringComparison.Ordinal);
        }
    }

    // events.k8s.io/v1 Eventsv1Event.eventTime is a required MicroTime; our client writes six digits even on a whole second.
    [Fact]
    public async Task an_event_written_by_the_client_on_a_whole_second_is_accepted()
    {
        var e = await Client.Builtin<Eventsv1Event>().CreateAsync(new Eventsv1Event
        {
            Metadata = new() { Name = "rw.1" },
            EventTime = MicroTime.ForClient(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            ReportingController = "rwautoscaler.dev/autoscaler",
            ReportingInstance = "autoscaler-0",
            Action = "Scale",
            Reason = "ScaledOut",
            Type = "Normal",
            Regarding = new V1ObjectReference { Kind = "RisingWave", Name = "rw", NamespaceProperty = "default" },
        });
        Assert.Equal("2025-01-01T00:00:00.000000Z", (string?)Server.GetObject(ResourceType.Events, "default", "rw.1")!["eventTime"]);
        Assert.Equal("2025-01-01T00:00:00.000000Z", MicroTime.Format(e.EventTime!.Value));
    }
}
