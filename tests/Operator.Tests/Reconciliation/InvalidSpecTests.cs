using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Runtime;
using RwAutoscaler.Operator.Tests.Support;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Reconciliation;

/// <summary>
/// Bad input gets a condition and a Warning event naming the field, and nothing else is written: the
/// objects of a running cluster stay as they were.
/// </summary>
public sealed class InvalidSpecTests : IAsyncLifetime
{
    private OperatorFixture fx = null!;

    public async Task InitializeAsync() => fx = await OperatorFixture.StartAsync();

    public async Task DisposeAsync() => await fx.DisposeAsync();

    public static TheoryData<string, string, string> Cases => new()
    {
        { "invalid group name", """[{"op":"replace","path":"/spec/components/compute/nodeGroups/0/name","value":"Spot_Nodes"}]""", "spec.components.compute.nodeGroups[0].name: Invalid value: \"Spot_Nodes\"" },
        { "negative replicas", """[{"op":"replace","path":"/spec/components/compactor/nodeGroups/0/replicas","value":-2}]""", "spec.components.compactor.nodeGroups[0].replicas: Invalid value: -2: must be greater than or equal to 0" },
        { "two groups with one name", """[{"op":"add","path":"/spec/components/frontend/nodeGroups/-","value":{"name":"","replicas":1}}]""", "spec.components.frontend.nodeGroups[1].name: Duplicate value: \"\"" },
        { "missing image", """[{"op":"remove","path":"/spec/image"}]""", "spec.image: Required value" },
        { "two meta replicas on a memory meta store", """[{"op":"replace","path":"/spec/components/meta/nodeGroups/0/replicas","value":2}]""", "spec.components.meta.nodeGroups: Invalid value: 2: a memory meta store allows at most 1 meta replica" },
        { "unparsable quantity", """[{"op":"replace","path":"/spec/components/compute/nodeGroups/0/template/spec/resources/limits/cpu","value":"eight"}]""", "spec.components.compute.nodeGroups[0].template.spec.resources.limits.cpu: Invalid value: \"eight\"" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_running_cluster_with_a_bad_change_keeps_its_objects_and_reports_the_field(string _, string patch, string expected)
    {
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));
        await fx.ConvergeAsync(key);
        var objectsBefore = Snapshot(key);

        await fx.PatchAsync(key, patch);
        var writes = await fx.ReconcileAsync(key);

        Assert.Equal(["PUT .../status", "POST events"], writes.Select(w => w.Path.EndsWith("/status", StringComparison.Ordinal) ? "PUT .../status" : w.Path.EndsWith("/events", StringComparison.Ordinal) ? "POST events" : w.Method + " " + w.Path));
        Assert.Equal(objectsBefore, Snapshot(key));
        var status = (await fx.GetAsync(key)).Status!;
        var failed = LifecycleTests.Condition(status, "Failed")!;
        Assert.Equal(("True", "InvalidSpec"), (failed.Status, failed.Reason));
        Assert.Contains(expected, failed.Message, StringComparison.Ordinal);
        Assert.Equal(1, status.ObservedGeneration);
        Assert.Equal("True", LifecycleTests.Condition(status, "Running")?.Status);
        var warning = Assert.Single(fx.Events.Recorded, e => e.Type == "Warning");
        Assert.Equal("InvalidSpec", warning.Reason);
        Assert.Contains(expected, warning.Note, StringComparison.Ordinal);
        var stored = Assert.Single(fx.Server.ListObjects(ResourceType.Events, "default"), e => (string?)e["type"] == "Warning");
        Assert.Equal(("InvalidSpec", "risingwave", "RisingWave"), ((string?)stored["reason"], (string?)stored["regarding"]!["name"], (string?)stored["regarding"]!["kind"]));

        // Reconciling the same bad spec again neither writes nor repeats the event.
        Assert.Empty(await fx.ReconcileAsync(key));
    }

    [Fact]
    public async Task A_new_invalid_resource_gets_no_objects_and_a_valid_fix_brings_it_up()
    {
        var rw = Repository.LoadRisingWave("risingwave-memory.yaml");
        rw["spec"]!["components"]!["compute"]!["nodeGroups"]!.AsArray().Add(JsonNode.Parse("""{"name":"spot","replicas":-1}"""));
        var key = await fx.CreateAsync(rw);

        await fx.ReconcileAsync(key);
        foreach (var type in OperatorCaches.OwnedTypes)
        {
            Assert.Empty(fx.Objects(type, key));
        }

        var status = (await fx.GetAsync(key)).Status!;
        Assert.Equal("True", LifecycleTests.Condition(status, "Failed")?.Status);
        Assert.Null(status.ObservedGeneration);

        await fx.PatchAsync(key, """[{"op":"replace","path":"/spec/components/compute/nodeGroups/1/replicas","value":1}]""");
        await fx.ConvergeAsync(key);
        var fixedStatus = (await fx.GetAsync(key)).Status!;
        Assert.Null(LifecycleTests.Condition(fixedStatus, "Failed"));
        Assert.Equal("True", LifecycleTests.Condition(fixedStatus, "Running")?.Status);
        Assert.Equal(2, fixedStatus.ComponentReplicas!.Compute!.Groups!.Count);
    }

    private string Snapshot(RisingWaveKey key) => string.Join("\n", OperatorCaches.OwnedTypes
        .SelectMany(t => fx.Objects(t, key))
        .Select(o => o.ToJsonString())
        .Order(StringComparer.Ordinal));
}
