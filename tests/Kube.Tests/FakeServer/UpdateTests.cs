using k8s.Models;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Tests.FakeServer;

/// <summary>Checklist item 3: PUT semantics, no-ops, generation, status handling.</summary>
public sealed class UpdateTests : FakeServerTest
{
    // store.go NewConflict with OptimisticLockErrorMsg; errors.go message format, details.kind = plural.
    [Fact]
    public async Task a_stale_resource_version_is_a_conflict_with_the_exact_status_body()
    {
        var rws = Client.Resource(RisingWaves);
        var v1 = await rws.CreateAsync(RisingWave("rw"));
        var v2 = (JsonObject)v1.DeepClone();
        v2["spec"]!["replicas"] = 2;
        await rws.ReplaceAsync(v2);
        v1["spec"]!["replicas"] = 3;
        var (code, body) = await SendAsync(HttpMethod.Put, "/apis/risingwave.risingwavelabs.com/v1alpha1/namespaces/default/risingwaves/rw", v1.ToJsonString());
        Assert.Equal(409, code);
        var expected = JsonNode.Parse("""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
             "message":"Operation cannot be fulfilled on risingwaves.risingwave.risingwavelabs.com \"rw\": the object has been modified; please apply your changes to the latest version and try again",
             "reason":"Conflict","details":{"name":"rw","group":"risingwave.risingwavelabs.com","kind":"risingwaves"},"code":409}
            """);
        Assert.True(JsonNode.DeepEquals(expected, body), body.ToJsonString());
        var e = await ThrowsApiAsync(() => rws.ReplaceAsync(v1));
        Assert.True(e.IsConflict);
    }

    // apiextensions strategy.go: AllowUnconditionalUpdate() is false for custom resources, so the generic
    // store answers NewInvalid(... "metadata.resourceVersion" ... "must be specified for an update").
    [Fact]
    public async Task a_put_without_a_resource_version_on_a_custom_resource_is_invalid()
    {
        await Client.Resource(RisingWaves).CreateAsync(RisingWave("rw"));
        var (code, body) = await SendAsync(HttpMethod.Put, "/apis/risingwave.risingwavelabs.com/v1alpha1/namespaces/default/risingwaves/rw", RisingWave("rw", 4).ToJsonString());
        Assert.Equal(422, code);
        Assert.Equal("Invalid", (string?)body["reason"]);
        Assert.Equal("metadata.resourceVersion", (string?)body["details"]!["causes"]![0]!["field"]);
        Assert.Contains("must be specified for an update", (string?)body["message"], StringComparison.Ordinal);
    }

    // Built-in kinds allow an unconditional update (PUT without resourceVersion).
    [Fact]
    public async Task a_put_without_a_resource_version_on_a_config_map_is_unconditional()
    {
        var cms = Client.Builtin<V1ConfigMap>();
        await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = "c" } });
        var updated = await cms.ReplaceAsync(new V1ConfigMap { Metadata = new() { Name = "c", NamespaceProperty = "default" }, Data = new Dictionary<string, string> { ["k"] = "v" } });
        Assert.Equal("v", updated.Data!["k"]);
    }

    // A PUT to a missing custom resource is 404 (AllowCreateOnUpdate() is false).
    [Fact]
    public async Task a_put_to_a_missing_custom_resource_is_not_found()
    {
        var body = RisingWave("ghost");
        body["metadata"]!["resourceVersion"] = "1";
        var e = await ThrowsApiAsync(() => Client.Resource(RisingWaves).ReplaceAsync(body));
        Assert.True(e.IsNotFound);
    }

    // store_test.go TestNoOpUpdates: "no-op update should be ignored and not written to etcd".
    [Fact]
    public async Task a_no_op_update_is_not_written()
    {
        var rws = Client.Resource(RisingWaves);
        var created = await rws.CreateAsync(RisingWave("rw"));
        var before = Server.ResourceVersion;
        var again = await rws.ReplaceAsync(created);
        Assert.Equal(created.GetResourceVersion(), again.GetResourceVersion());
        var merged = await rws.PatchAsync("default", "rw", Kube.Client.KubePatch.Merge(new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 1 } }));
        Assert.Equal(created.GetResourceVersion(), merged.GetResourceVersion());
        Assert.Equal(before, Server.ResourceVersion);
    }

    // custom-resource-definitions.md: "generation is incremented for all changes, except for changes to .metadata or .status".
    [Fact]
    public async Task generation_bumps_on_spec_changes_and_not_on_metadata_or_status_changes()
    {
        var rws = Client.Resource(RisingWaves);
        var v = await rws.CreateAsync(RisingWave("rw"));
        v["metadata"]!["labels"] = new JsonObject { ["team"] = "a" };
        v = await rws.ReplaceAsync(v);
        Assert.Equal(1, v.GetGeneration());
        v["status"] = new JsonObject { ["phase"] = "Running" };
        v = await rws.ReplaceStatusAsync(v);
        Assert.Equal(1, v.GetGeneration());
        v["spec"]!["replicas"] = 5;
        v = await rws.ReplaceAsync(v);
        Assert.Equal(2, v.GetGeneration());
    }

    // CRD docs "Status subresource": PUT/POST/PATCH to the resource ignore changes to the status stanza.
    [Fact]
    public async Task status_is_ignored_on_the_main_resource()
    {
        var rws = Client.Resource(RisingWaves);
        var v = await rws.CreateAsync(RisingWave("rw"));
        v["status"] = new JsonObject { ["phase"] = "Running" };
        v = await rws.ReplaceStatusAsync(v);
        v["status"] = new JsonObject { ["phase"] = "Hacked" };
        v["spec"]!["replicas"] = 2;
        var after = await rws.ReplaceAsync(v);
        Assert.Equal("Running", (string?)after["status"]!["phase"]);
        Assert.Equal(2, (int?)after["spec"]!["replicas"]);
    }

    // CRD docs: PUT to /status takes a custom resource and ignores changes to anything except status.
    [Fact]
    public async Task only_status_is_taken_on_the_status_subresource()
    {
        var rws = Client.Resource(RisingWaves);
        var v = await rws.CreateAsync(RisingWave("rw"));
        v["spec"]!["replicas"] = 9;
        v["metadata"]!["labels"] = new JsonObject { ["sneaky"] = "yes" };
        v["status"] = new JsonObject { ["phase"] = "Running" };
        var after = await rws.ReplaceStatusAsync(v);
        Assert.Equal(1, (int?)after["spec"]!["replicas"]);
        Assert.Null(after["metadata"]!["labels"]);
        Assert.Equal("Running", (string?)after["status"]!["phase"]);
    }

    // A V1Deployment's status is written only through /status; a stale status PUT is a conflict too.
    [Fact]
    public async Task a_stale_status_update_is_a_conflict()
    {
        var deployments = Client.Builtin<V1Deployment>();
        var d = await deployments.CreateAsync(Deployment("web"));
        await deployments.ReplaceAsync(d with { Spec = d.Spec! with { Replicas = 2 } });
        var e = await ThrowsApiAsync(() => deployments.ReplaceStatusAsync(d with { Status = new V1DeploymentStatus { Replicas = 1 } }));
        Assert.True(e.IsConflict);
    }

    // A real server drops the fields of a built-in kind its schema lacks (fieldValidation Warn, the default);
    // known ones, however deep, are kept.
    [Fact]
    public async Task unknown_fields_of_built_in_kinds_are_dropped_and_known_ones_kept()
    {
        var (code, _) = await SendAsync(HttpMethod.Post, "/apis/apps/v1/namespaces/default/deployments", """
            {"metadata":{"name":"web","managedFields":[{"manager":"kubectl"}]},
             "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"newSpecField":{"a":1},
                     "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"m","image":"x","bogus":1,"securityContext":{"runAsNonRoot":true}}],"dnsPolicy":"ClusterFirst"}}}}
            """);
        Assert.Equal(201, code);
        var raw = Server.GetObject(ResourceType.Deployments, "default", "web")!;
        Assert.Null(raw["spec"]!["newSpecField"]);
        Assert.Null(raw["spec"]!["template"]!["spec"]!["containers"]![0]!["bogus"]);
        Assert.Equal("ClusterFirst", (string?)raw["spec"]!["template"]!["spec"]!["dnsPolicy"]);
        Assert.Equal(true, (bool?)raw["spec"]!["template"]!["spec"]!["containers"]![0]!["securityContext"]!["runAsNonRoot"]);
        Assert.Equal("kubectl", (string?)raw["metadata"]!["managedFields"]![0]!["manager"]);
    }

    // A server newer than the client's models knows a field the models lack: a typed read-modify-PUT drops it,
    // which is why our code writes built-in kinds with patches or as JSON.
    [Fact]
    public async Task a_typed_put_drops_a_field_the_model_lacks_and_a_patch_or_json_write_keeps_it()
    {
        Server.ServerOnlyFields.Add("Deployment.spec.futureField");
        var body = JsonNode.Parse(k8s.KubernetesJson.Serialize(Deployment("web")))!.AsObject();
        body["spec"]!["futureField"] = "kept";
        await Client.Resource(ResourceType.Deployments).CreateAsync(body);
        bool Kept() => Server.GetObject(ResourceType.Deployments, "default", "web")!["spec"]!["futureField"] is not null;
        Assert.True(Kept());

        var json = Client.Resource(ResourceType.Deployments);
        var live = await json.GetAsync("default", "web");
        live["spec"]!["replicas"] = 2;
        await json.ReplaceAsync(live);
        Assert.True(Kept());

        await json.PatchAsync("default", "web", Kube.Client.KubePatch.Replicas(3));
        Assert.True(Kept());

        var typed = Client.Builtin<V1Deployment>();
        var d = await typed.GetAsync("default", "web");
        d.Spec.Replicas = 4;
        await typed.ReplaceAsync(d);
        Assert.False(Kept());
    }

    // A uid in the body that differs from the stored one fails the precondition with 409.
    [Fact]
    public async Task a_different_uid_on_update_is_a_conflict()
    {
        var cms = Client.Builtin<V1ConfigMap>();
        var c = await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = "c" } });
        var e = await ThrowsApiAsync(() => cms.ReplaceAsync(c with { Metadata = c.Metadata with { Uid = Guid.NewGuid().ToString() } }));
        Assert.True(e.IsConflict);
        Assert.Contains("Precondition failed: UID in precondition", e.Status.Message, StringComparison.Ordinal);
    }
}

/// <summary>api-conventions "Concurrency Control": a 409 means GET again, re-apply, retry (client-go retry.RetryOnConflict).</summary>
public sealed class RetryOnConflictTests : FakeServerTest
{
    [Fact]
    public async Task concurrent_read_modify_writes_lose_no_update_with_retry_on_conflict()
    {
        var cms = Client.Resource(ResourceType.ConfigMaps);
        await cms.CreateAsync(JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"counter"},"data":{"n":"0"}}""")!.AsObject());
        var conflicts = 0;
        async Task IncrementAsync()
        {
            while (true)
            {
                var current = await cms.GetAsync("default", "counter");
                var n = int.Parse((string)current["data"]!["n"]!, System.Globalization.CultureInfo.InvariantCulture);
                current["data"]!["n"] = $"{n + 1}";
                try
                {
                    await cms.ReplaceAsync(current);
                    return;
                }
                catch (Kube.Client.KubeApiException e) when (e.IsConflict)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await IncrementAsync();
            }
        })));
        Assert.Equal("40", (string?)(await cms.GetAsync("default", "counter"))["data"]!["n"]);
        Assert.True(conflicts > 0, "the writers never collided, so the test proved nothing");
    }
}
