using k8s;
using RwAutoscaler.Kube.Json;
using k8s.Models;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Tests.FakeServer;

/// <summary>Discovery for kubectl, and the validation errors that name the field.</summary>
public sealed class DiscoveryAndValidationTests : FakeServerTest
{
    // Legacy discovery (kubectl falls back to it when the aggregated form is not served): /api, /apis, group-version resource lists
    // with status and scale subresources (scale as autoscaling/v1 V1Scale).
    [Fact]
    public async Task discovery_lists_groups_resources_and_subresources()
    {
        // Through the official client's discovery calls, as its users make them.
        var api = await Client.Api.CoreV1.GetAPIResourcesAsync();
        Assert.Equal("v1", api.GroupVersion);
        var groups = (await Client.Api.Apis.GetAPIVersionsAsync()).Groups.Select(g => g.Name).ToList();
        Assert.Contains("apps", groups);
        Assert.Contains("risingwave.risingwavelabs.com", groups);
        var apps = (await Client.Api.AppsV1.GetAPIResourcesAsync()).Resources;
        var scale = apps.Single(r => r.Name == "deployments/scale");
        Assert.Equal(("autoscaling", "v1", "Scale"), (scale.Group, scale.Version, scale.Kind));
        var views = (await Client.Api.CustomObjects.GetAPIResourcesAsync("risingwave.risingwavelabs.com", "v1alpha1")).Resources.ToList();
        Assert.Equal(["risingwaves", "risingwaves/status", "risingwavescaleviews", "risingwavescaleviews/status", "risingwavescaleviews/scale"],
            views.Select(r => r.Name));
        Assert.Equal("rwsv", views[2].ShortNames[0]);
        Assert.Equal("1", (await Client.Api.Version.GetCodeAsync()).Major);
        var (code, openapi) = await SendAsync(HttpMethod.Get, "/openapi/v3");
        Assert.Equal(200, code);
        Assert.NotNull(openapi["paths"]!["apis/apps/v1"]!["serverRelativeURL"]);
    }

    // A registered CRD is an object too: kubectl get crd shows it; deleting it stops serving the resource.
    [Fact]
    public async Task a_custom_resource_definition_is_served_until_it_is_deleted()
    {
        var crds = Client.Resource(new ResourceType("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false));
        var crd = await crds.GetAsync(null, "risingwaves.risingwave.risingwavelabs.com");
        Assert.Equal("Established", (string?)crd["status"]!["conditions"]![1]!["type"]);
        await crds.DeleteAsync(null, "risingwaves.risingwave.risingwavelabs.com");
        var e = await ThrowsApiAsync(() => Client.Resource(RisingWaves).ListAsync("default"));
        Assert.Equal("the server could not find the requested resource", e.Status.Message);
    }

    // A body that is not JSON is 400 BadRequest naming the kind it could not decode.
    [Fact]
    public async Task a_body_that_is_not_json_is_a_bad_request()
    {
        var (code, body) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", "{not json");
        Assert.Equal(400, code);
        Assert.StartsWith("ConfigMap in version \"v1\" cannot be handled as a ConfigMap:", (string?)body["message"], StringComparison.Ordinal);
    }

    // ownerReferences: at most one controller reference (controllerutil.SetControllerReference relies on it).
    [Fact]
    public async Task two_controller_owner_references_are_invalid()
    {
        V1OwnerReference Owner(string uid) => new() { ApiVersion = "v1", Kind = "ConfigMap", Name = uid, Uid = uid, Controller = true };
        var e = await ThrowsApiAsync(() => Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "c", OwnerReferences = [Owner("a"), Owner("b")] } }));
        Assert.True(e.IsInvalid);
        Assert.Equal("metadata.ownerReferences", e.Status.Details!.Causes![0].Field);
    }

    // The API version in a body must match the URL's.
    [Fact]
    public async Task a_body_of_another_api_version_is_a_bad_request()
    {
        var (code, body) = await SendAsync(HttpMethod.Post, "/apis/apps/v1/namespaces/default/deployments", """{"apiVersion":"apps/v1beta1","kind":"Deployment","metadata":{"name":"x"}}""");
        Assert.Equal(400, code);
        Assert.Equal("the API version in the data (apps/v1beta1) does not match the expected API version (apps/v1)", (string?)body["message"]);
    }
}
