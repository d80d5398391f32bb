using k8s.Models;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Tests.FakeServer;

/// <summary>Checklist item 4: the patch content types.</summary>
public sealed class PatchTests : FakeServerTest
{
    // RFC 7386 (api-conventions "PATCH operations"): null deletes, objects merge, arrays replace wholesale.
    [Fact]
    public async Task a_merge_patch_deletes_on_null_merges_objects_and_replaces_arrays()
    {
        var rws = Client.Resource(RisingWaves);
        var body = RisingWave("rw");
        body["spec"]!["list"] = new JsonArray(1, 2, 3);
        body["spec"]!["drop"] = "me";
        await rws.CreateAsync(body);
        var patched = await rws.PatchAsync("default", "rw", KubePatch.Merge(JsonNode.Parse("""{"spec":{"list":[9],"drop":null,"futureField":{"added":1}}}""")!));
        Assert.True(JsonNode.DeepEquals(new JsonArray(9), patched["spec"]!["list"]));
        Assert.Null(patched["spec"]!["drop"]);
        Assert.Equal(true, (bool?)patched["spec"]!["futureField"]!["kept"]);
        Assert.Equal(1, (int?)patched["spec"]!["futureField"]!["added"]);
    }

    // RFC 6902 add/remove/replace/test; a failing test makes apiserver patch.go answer 422 and write nothing.
    [Fact]
    public async Task a_json_patch_with_a_failing_test_is_invalid_and_changes_nothing()
    {
        var rws = Client.Resource(RisingWaves);
        await rws.CreateAsync(RisingWave("rw", 3));
        var before = Server.ResourceVersion;
        var guarded = new JsonPatchDocument().Test("/spec/replicas", 2).Replace("/spec/replicas", 5);
        var e = await ThrowsApiAsync(() => rws.PatchAsync("default", "rw", KubePatch.Json(guarded)));
        Assert.Equal(422, e.Code);
        Assert.Equal(before, Server.ResourceVersion);

        var ok = new JsonPatchDocument().Test("/spec/replicas", 3).Replace("/spec/replicas", 5)
            .Add("/metadata/labels", new JsonObject { ["a"] = "b" }).Remove("/spec/image");
        var patched = await rws.PatchAsync("default", "rw", KubePatch.Json(ok));
        Assert.Equal(5, (int?)patched["spec"]!["replicas"]);
        Assert.Equal("b", (string?)patched["metadata"]!["labels"]!["a"]);
        Assert.Null(patched["spec"]!["image"]);
        Assert.Equal(2, patched.GetGeneration());
    }

    // kubernetes#97423, #50037: strategic merge patch is not supported for custom resources: 415 with this body.
    [Fact]
    public async Task a_strategic_merge_patch_on_a_custom_resource_is_unsupported_media_type()
    {
        await Client.Resource(RisingWaves).CreateAsync(RisingWave("rw"));
        var (code, body) = await SendAsync(HttpMethod.Patch, "/apis/risingwave.risingwavelabs.com/v1alpha1/namespaces/default/risingwaves/rw",
            """{"spec":{"replicas":2}}""", KubePatch.StrategicMergePatchType);
        Assert.Equal(415, code);
        Assert.Equal("UnsupportedMediaType", (string?)body["reason"]);
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml", (string?)body["message"]);
    }

    // Contract §1.7: the fake does not implement server-side apply, so it refuses it with 415 rather than pretend.
    [Fact]
    public async Task an_apply_patch_is_unsupported_media_type()
    {
        await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "c" } });
        var (code, _) = await SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/c?fieldManager=me", "{}", "application/apply-patch+yaml");
        Assert.Equal(415, code);
    }

    // apimachinery strategicpatch: lists with a patchMergeKey merge element by element (containers by name).
    [Fact]
    public async Task a_strategic_merge_patch_merges_containers_by_name()
    {
        var deployments = Client.Builtin<V1Deployment>();
        var d = Deployment("web");
        await deployments.CreateAsync(d with
        {
            Spec = d.Spec! with
            {
                Template = d.Spec.Template! with
                {
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "a:1" }, new V1Container { Name = "side", Image = "b:1" }] },
                },
            },
        });
        var patch = JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"b:2"}]}}}}""")!;
        var patched = await deployments.PatchAsync("default", "web", KubePatch.StrategicMerge(patch));
        var containers = patched.Spec!.Template!.Spec!.Containers;
        Assert.Equal(["main:a:1", "side:b:2"], containers.Select(c => $"{c.Name}:{c.Image}"));
    }

    // controller-runtime MergeFromWithOptimisticLock: a resourceVersion inside a merge patch is a precondition.
    [Fact]
    public async Task a_resource_version_in_a_merge_patch_is_a_precondition()
    {
        var rws = Client.Resource(RisingWaves);
        var created = await rws.CreateAsync(RisingWave("rw"));
        await rws.PatchAsync("default", "rw", KubePatch.Merge(new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 2 } }));
        var stale = new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = created.GetResourceVersion() }, ["spec"] = new JsonObject { ["replicas"] = 3 } };
        var e = await ThrowsApiAsync(() => rws.PatchAsync("default", "rw", KubePatch.Merge(stale)));
        Assert.True(e.IsConflict);
    }

    // Patching /status changes only status, whatever else the patch touches.
    [Fact]
    public async Task a_status_patch_changes_only_status()
    {
        var rws = Client.Resource(RisingWaves);
        await rws.CreateAsync(RisingWave("rw"));
        var patched = await rws.PatchStatusAsync("default", "rw", KubePatch.Merge(JsonNode.Parse("""{"spec":{"replicas":7},"status":{"phase":"Running"}}""")!));
        Assert.Equal(1, (int?)patched["spec"]!["replicas"]);
        Assert.Equal("Running", (string?)patched["status"]!["phase"]);
    }

    // A patch of an object that does not exist is 404.
    [Fact]
    public async Task a_patch_of_a_missing_object_is_not_found()
    {
        var e = await ThrowsApiAsync(() => Client.Builtin<V1ConfigMap>().PatchAsync("default", "nope", KubePatch.Merge(new JsonObject())));
        Assert.True(e.IsNotFound);
        Assert.Equal("configmaps \"nope\" not found", e.Status.Message);
    }
}
