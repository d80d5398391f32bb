using k8s.Models;
using System.Globalization;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Tests.FakeServer;

/// <summary>Checklist items 1 and 2: one resourceVersion counter; what POST sets.</summary>
public sealed class CreateAndVersionTests : FakeServerTest
{
    // api-concepts.md "Resource Versions" and etcd mod_revision: one global counter, unique across objects,
    // stamped on every write and on list metadata.
    [Fact]
    public async Task a_single_global_resource_version_is_stamped_on_every_write_and_on_lists()
    {
        var cms = Client.Builtin<V1ConfigMap>();
        var a = await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = "a" } });
        var rw = await Client.Resource(RisingWaves).CreateAsync(RisingWave("rw"));
        var b = await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = "b" } });
        var versions = new[] { a.Metadata.ResourceVersion, rw.GetResourceVersion(), b.Metadata.ResourceVersion }
            .Select(v => long.Parse(v!, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(versions[0] < versions[1] && versions[1] < versions[2], string.Join(",", versions));
        var list = await cms.ListAsync("default");
        Assert.Equal(versions[2].ToString(CultureInfo.InvariantCulture), list.Metadata.ResourceVersion);
    }

    // api-conventions.md "Verbs on Resources": create answers 201; PrepareForCreate (apiextensions strategy.go)
    // sets generation=1; uid, creationTimestamp (RFC 3339, seconds) and resourceVersion are set by the server.
    [Fact]
    public async Task create_answers_201_and_sets_uid_creation_timestamp_generation_and_resource_version()
    {
        var (code, body) = await SendAsync(HttpMethod.Post, "/apis/risingwave.risingwavelabs.com/v1alpha1/namespaces/default/risingwaves", RisingWave("rw").ToJsonString());
        Assert.Equal(201, code);
        var meta = body["metadata"]!;
        Assert.True(Guid.TryParse((string?)meta["uid"], out _));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)meta["creationTimestamp"]);
        Assert.Equal(1, (long?)meta["generation"]);
        Assert.False(string.IsNullOrEmpty((string?)meta["resourceVersion"]));
    }

    // "kinds without spec semantics, such as ConfigMap, leave [generation] unset".
    [Fact]
    public async Task a_config_map_has_no_generation()
    {
        var cm = await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "c" }, Data = new Dictionary<string, string> { ["k"] = "v" } });
        Assert.Null(cm.Metadata.Generation);
    }

    // apiserver pkg/storage/names/generate.go: prefix truncated to 58 characters, plus 5 characters from
    // apimachinery util/rand's vowel-free alphabet.
    [Fact]
    public async Task generate_name_appends_five_characters_from_the_vowel_free_alphabet()
    {
        var prefix = new string('p', 70);
        var cm = await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { GenerateName = prefix } });
        Assert.Matches("^p{58}[bcdfghjklmnpqrstvwxz2456789]{5}$", cm.Metadata.Name);
    }

    // kube-rs example output via the index: a body name that does not match the URL is 400 BadRequest.
    [Fact]
    public async Task a_body_name_that_does_not_match_the_url_is_a_bad_request()
    {
        var created = await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "my-configmap" } });
        var (code, body) = await SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/some-other-configmap",
            k8s.KubernetesJson.Serialize(created));
        Assert.Equal(400, code);
        Assert.Equal("BadRequest", (string?)body["reason"]);
        Assert.Equal("the name of the object (my-configmap) does not match the name on the URL (some-other-configmap)", (string?)body["message"]);
    }

    // handlers/create.go: the namespace in the body must match the one in the URL.
    [Fact]
    public async Task a_body_namespace_that_does_not_match_the_url_is_a_bad_request()
    {
        Server.CreateNamespace("other");
        var (code, body) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
            """{"metadata":{"name":"x","namespace":"other"}}""");
        Assert.Equal(400, code);
        Assert.Equal("the namespace of the provided object does not match the namespace sent on the request", (string?)body["message"]);
    }

    // errors.go NewAlreadyExists: 409, reason AlreadyExists, details.kind is the plural resource.
    [Fact]
    public async Task creating_an_existing_name_is_already_exists()
    {
        await Client.Builtin<V1Deployment>().CreateAsync(Deployment("web"));
        var (code, body) = await SendAsync(HttpMethod.Post, "/apis/apps/v1/namespaces/default/deployments",
            k8s.KubernetesJson.Serialize(Deployment("web")));
        Assert.Equal(409, code);
        Assert.Equal("AlreadyExists", (string?)body["reason"]);
        Assert.Equal("deployments.apps \"web\" already exists", (string?)body["message"]);
        Assert.Equal("deployments", (string?)body["details"]!["kind"]);
        Assert.Equal("apps", (string?)body["details"]!["group"]);
    }

    // A real server refuses objects in a namespace that does not exist (404 namespaces "x" not found).
    [Fact]
    public async Task creating_in_a_missing_namespace_is_not_found()
    {
        var e = await ThrowsApiAsync(() => Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "x" } }, "nowhere"));
        Assert.True(e.IsNotFound);
        Assert.Equal("namespaces \"nowhere\" not found", e.Status.Message);
    }

    // Validation of metadata.name: a lowercase RFC 1123 subdomain, else 422 Invalid naming the field.
    [Fact]
    public async Task an_invalid_name_is_invalid_and_names_the_field()
    {
        var e = await ThrowsApiAsync(() => Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "Not_Valid" } }));
        Assert.True(e.IsInvalid);
        Assert.Equal("metadata.name", e.Status.Details!.Causes![0].Field);
    }

    // api-conventions "Spec and Status": POST ignores status; apiextensions PrepareForCreate deletes it.
    [Fact]
    public async Task create_drops_the_status_of_a_custom_resource_with_a_status_subresource()
    {
        var body = RisingWave("rw");
        body["status"] = new JsonObject { ["phase"] = "Made up" };
        var created = await Client.Resource(RisingWaves).CreateAsync(body);
        Assert.Null(created["status"]);
    }

    // The path of an uninstalled resource answers NewGenericServerResponse's text.
    [Fact]
    public async Task an_unknown_resource_path_is_not_found_with_the_generic_message()
    {
        var (code, body) = await SendAsync(HttpMethod.Get, "/apis/example.com/v1/namespaces/default/widgets");
        Assert.Equal(404, code);
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Equal("the server could not find the requested resource", (string?)body["message"]);
    }
}
