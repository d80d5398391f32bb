using k8s.Models;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Tests.FakeServer;

/// <summary>Checklist item 5: DELETE, finalizers and the shape of the answer.</summary>
public sealed class DeleteTests : FakeServerTest
{
    // apiextensions etcd.go does not set ReturnDeletedObject: custom resources answer a Success V1Status.
    [Fact]
    public async Task deleting_a_custom_resource_answers_a_success_status()
    {
        var created = await Client.Resource(RisingWaves).CreateAsync(RisingWave("rw"));
        var (code, body) = await SendAsync(HttpMethod.Delete, "/apis/risingwave.risingwavelabs.com/v1alpha1/namespaces/default/risingwaves/rw");
        Assert.Equal(200, code);
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Equal("Success", (string?)body["status"]);
        Assert.Equal("risingwaves", (string?)body["details"]!["kind"]);
        Assert.Equal(created.GetUid(), (string?)body["details"]!["uid"]);
    }

    // store.go finalizeDelete with ReturnDeletedObject=true (pods): the answer is the deleted object.
    [Fact]
    public async Task deleting_a_pod_returns_the_object()
    {
        var pods = Client.Builtin<V1Pod>();
        await pods.CreateAsync(new V1Pod { Metadata = new() { Name = "p" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] } });
        var deleted = await pods.DeleteAsync("default", "p");
        Assert.Equal("p", deleted!.Metadata.Name);
        Assert.Null(await pods.GetOrNullAsync("default", "p"));
    }

    // V1ObjectMeta.finalizers: the first DELETE sets deletionTimestamp and keeps the object; the answer is the object.
    [Fact]
    public async Task deleting_an_object_with_finalizers_sets_deletion_timestamp_and_returns_it()
    {
        var rws = Client.Resource(RisingWaves);
        var body = RisingWave("rw");
        body["metadata"]!["finalizers"] = new JsonArray("risingwave.risingwavelabs.com/cleanup");
        await rws.CreateAsync(body);
        var pending = await rws.DeleteAsync("default", "rw");
        Assert.NotNull(pending);
        Assert.NotNull(pending!["metadata"]!["deletionTimestamp"]);
        Assert.NotNull(await rws.GetOrNullAsync("default", "rw"));
    }

    // store.go deleteForEmptyFinalizers: an update that removes the last finalizer completes the deletion.
    [Fact]
    public async Task removing_the_last_finalizer_completes_the_deletion()
    {
        var rws = Client.Resource(RisingWaves);
        var body = RisingWave("rw");
        body["metadata"]!["finalizers"] = new JsonArray("risingwave.risingwavelabs.com/cleanup");
        await rws.CreateAsync(body);
        var pending = (await rws.DeleteAsync("default", "rw"))!;
        var events = new List<WatchEvent<JsonObject>>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var watch = Task.Run(async () =>
        {
            await foreach (var e in rws.WatchAsync("default", new WatchOptions { ResourceVersion = pending.GetResourceVersion() }, cts.Token))
            {
                events.Add(e);
                if (e.Type == WatchEventType.Deleted)
                {
                    return;
                }
            }
        });
        await rws.PatchAsync("default", "rw", KubePatch.Merge(JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!));
        await watch;
        Assert.Null(await rws.GetOrNullAsync("default", "rw"));
        Assert.Equal(WatchEventType.Deleted, events[^1].Type);
    }

    // V1ObjectMeta.finalizers: "If the deletionTimestamp of the object is non-nil, entries in this list can only be removed."
    [Fact]
    public async Task finalizers_cannot_be_added_while_deleting()
    {
        var rws = Client.Resource(RisingWaves);
        var body = RisingWave("rw");
        body["metadata"]!["finalizers"] = new JsonArray("a.example.com/x");
        await rws.CreateAsync(body);
        await rws.DeleteAsync("default", "rw");
        var e = await ThrowsApiAsync(() => rws.PatchAsync("default", "rw", KubePatch.Merge(JsonNode.Parse("""{"metadata":{"finalizers":["a.example.com/x","b.example.com/y"]}}""")!)));
        Assert.True(e.IsInvalid);
    }

    // store.go Create: a same-name create while the old object is pending deletion is AlreadyExists, "object is being deleted: ".
    [Fact]
    public async Task creating_while_the_old_object_is_pending_deletion_is_already_exists()
    {
        var rws = Client.Resource(RisingWaves);
        var body = RisingWave("rw");
        body["metadata"]!["finalizers"] = new JsonArray("a.example.com/x");
        await rws.CreateAsync(body);
        await rws.DeleteAsync("default", "rw");
        var e = await ThrowsApiAsync(() => rws.CreateAsync(RisingWave("rw")));
        Assert.True(e.IsAlreadyExists);
        Assert.StartsWith("object is being deleted: ", e.Status.Message, StringComparison.Ordinal);
    }

    // V1DeleteOptions.preconditions {uid, resourceVersion} fail with 409.
    [Fact]
    public async Task delete_preconditions_are_checked()
    {
        var cms = Client.Builtin<V1ConfigMap>();
        var c = await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = "c" } });
        var e = await ThrowsApiAsync(() => cms.DeleteAsync("default", "c", new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = "1" } }));
        Assert.True(e.IsConflict);
        await cms.DeleteAsync("default", "c", new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = c.Metadata.Uid, ResourceVersion = c.Metadata.ResourceVersion } });
        Assert.Null(await cms.GetOrNullAsync("default", "c"));
    }

    // A DELETE of what is not there is 404 NotFound.
    [Fact]
    public async Task deleting_a_missing_object_is_not_found()
    {
        var e = await ThrowsApiAsync(() => Client.Resource(RisingWaves).DeleteAsync("default", "nope"));
        Assert.True(e.IsNotFound);
        Assert.Equal("risingwaves.risingwave.risingwavelabs.com \"nope\" not found", e.Status.Message);
    }
}
