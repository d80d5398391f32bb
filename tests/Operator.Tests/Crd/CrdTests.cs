using k8s;
using System.Text.Json.Nodes;
using RwAutoscaler.Operator.Cli;
using RwAutoscaler.Operator.Resources;
using RwAutoscaler.Operator.Tests.Support;
using RwAutoscaler.Operator.Yaml;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Crd;

/// <summary>The committed CRD is what the types generate, and says what risingwave.md §1.1 says upstream's does.</summary>
public sealed class CrdTests
{
    private static readonly JsonObject Crd = YamlJson.Load(CrdCommand.Render()).Single().AsObject();

    [Fact]
    public void The_committed_CRD_is_the_generated_one()
    {
        var committed = File.ReadAllText(Repository.PathOf(CrdCommand.ChartPath));

        Assert.True(committed == CrdCommand.Render(),
            $"{CrdCommand.ChartPath} is out of date: run `dotnet run --project src/Operator -- crd --output {CrdCommand.ChartPath}`");
    }

    [Fact]
    public void Names_scope_subresources_and_printer_columns_are_upstream()
    {
        var spec = Crd["spec"]!;
        Assert.Equal("risingwaves.risingwave.risingwavelabs.com", (string?)Crd["metadata"]!["name"]);
        Assert.Equal("risingwave.risingwavelabs.com", (string?)spec["group"]);
        Assert.Equal("Namespaced", (string?)spec["scope"]);
        Assert.Equal(("RisingWave", "RisingWaveList", "risingwaves", "risingwave"),
            ((string?)spec["names"]!["kind"], (string?)spec["names"]!["listKind"], (string?)spec["names"]!["plural"], (string?)spec["names"]!["singular"]));
        Assert.Equal(["rw"], spec["names"]!["shortNames"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["all", "streaming"], spec["names"]!["categories"]!.AsArray().Select(n => (string?)n));
        var version = spec["versions"]!.AsArray().Single()!;
        Assert.Equal("v1alpha1", (string?)version["name"]);
        Assert.Equal("{\"status\":{}}", version["subresources"]!.ToJsonString());
        Assert.Equal(
            ["META STORE=.status.metaStore.backend", "STATE STORE=.status.stateStore.backend", "VERSION=.status.version", "RUNNING=.status.conditions[?(@.type==\"Running\")].status", "AGE=.metadata.creationTimestamp"],
            version["additionalPrinterColumns"]!.AsArray().Select(c => $"{c!["name"]}={c["jsonPath"]}"));
    }

    [Fact]
    public void Node_groups_are_a_map_list_keyed_by_name_with_the_upstream_validation()
    {
        var spec = Schema("spec");
        Assert.Equal(["image"], spec["required"]!.AsArray().Select(r => (string?)r));
        foreach (var component in new[] { "meta", "frontend", "compute", "compactor" })
        {
            var groups = spec["properties"]!["components"]!["properties"]![component]!["properties"]!["nodeGroups"]!;
            Assert.Equal("map", (string?)groups["x-kubernetes-list-type"]);
            Assert.Equal(["name"], groups["x-kubernetes-list-map-keys"]!.AsArray().Select(k => (string?)k));
            var group = groups["items"]!;
            Assert.Equal(["name"], group["required"]!.AsArray().Select(k => (string?)k));
            Assert.Equal(RisingWaveNodeGroup.NamePattern, (string?)group["properties"]!["name"]!["pattern"]);
            Assert.Equal(253, (int)group["properties"]!["name"]!["maxLength"]!);
            Assert.Equal(0, (int)group["properties"]!["replicas"]!["minimum"]!);
            Assert.True((bool)group["x-kubernetes-preserve-unknown-fields"]!);
        }
    }

    [Fact]
    public void Every_level_of_the_schema_is_structural()
    {
        static void Check(JsonNode? schema, string path)
        {
            if (schema is not JsonObject s)
            {
                return;
            }

            var typed = s["type"] is not null || s["x-kubernetes-int-or-string"] is not null || s["x-kubernetes-preserve-unknown-fields"] is not null;
            Assert.True(typed, $"{path} has no type");
            foreach (var (name, child) in (s["properties"] as JsonObject) ?? [])
            {
                Check(child, $"{path}.{name}");
            }

            Check(s["items"], path + "[]");
            Check(s["additionalProperties"], path + "{}");
        }

        Check(Crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"], "");
    }

    [Fact]
    public async Task The_fake_API_server_serves_RisingWaves_from_the_committed_CRD()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var discovered = await fx.Client.Api.CustomObjects.GetAPIResourcesAsync("risingwave.risingwavelabs.com", "v1alpha1");

        var resource = discovered.Resources.First(r => r.Name == "risingwaves");
        Assert.Equal("RisingWave", resource.Kind);
        Assert.Contains(discovered.Resources, r => r.Name == "risingwaves/status");
    }

    private static JsonObject Schema(string property) =>
        Crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]![property]!.AsObject();
}
