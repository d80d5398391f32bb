using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.Operator.Resources;
using RwAutoscaler.Operator.Tests.Support;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Resources;

/// <summary>The upstream CRD spoken faithfully: examples parse, and nothing is lost reading and writing back.</summary>
public sealed class RoundTripTests
{
    public static TheoryData<string> Examples => new(Repository.Examples);

    [Theory]
    [MemberData(nameof(Examples))]
    public void An_example_reads_and_writes_back_unchanged(string example)
    {
        var original = Repository.LoadRisingWave(example);

        var parsed = original.Deserialize(OperatorJsonContext.Default.RisingWave)!;
        var written = JsonSerializer.SerializeToNode(parsed, OperatorJsonContext.Default.RisingWave)!;

        Assert.True(JsonNode.DeepEquals(original, written), $"{example} changed in a round trip:\n{original.ToJsonString()}\n{written.ToJsonString()}");
        Assert.False(string.IsNullOrEmpty(parsed.Spec!.Image));
        Assert.All(ComponentKind.All, c => Assert.NotEmpty(c.Groups(parsed.Spec)));
    }

    [Fact]
    public void Fields_this_operator_does_not_know_survive_at_every_level()
    {
        var rw = Repository.LoadRisingWave("risingwave-memory.yaml");
        rw["spec"]!["futureTopLevelField"] = new JsonObject { ["enabled"] = true };
        rw["spec"]!["components"]!["standalone"] = new JsonObject { ["replicas"] = 1 };
        rw["spec"]!["components"]!["compute"]!["someComponentSetting"] = "x";
        rw["spec"]!["components"]!["compute"]!["nodeGroups"]![0]!["someGroupSetting"] = 3;
        rw["spec"]!["components"]!["compute"]!["nodeGroups"]![0]!["template"]!["spec"]!["someTemplateSetting"] = new JsonArray(1, 2);
        rw["spec"]!["stateStore"]!["someStoreSetting"] = "y";
        rw["status"] = JsonNode.Parse("""{"scaleViews":[{"name":"sv","uid":"u","component":"compute","generation":2,"groupLocks":[{"name":"","replicas":3}]}],"internal":{"stateStoreRootPath":"hummock"},"conditions":[{"type":"Running","status":"True","lastTransitionTime":"2024-01-02T03:04:05Z","futureField":1}]}""");

        var written = JsonSerializer.SerializeToNode(rw.Deserialize(OperatorJsonContext.Default.RisingWave), OperatorJsonContext.Default.RisingWave);

        Assert.True(JsonNode.DeepEquals(rw, written), written!.ToJsonString());
    }

    [Fact]
    public void Quantities_keep_the_form_they_were_written_in()
    {
        var rw = Repository.LoadRisingWave("risingwave-node-groups.yaml");
        var parsed = rw.Deserialize(OperatorJsonContext.Default.RisingWave)!;
        var spot = parsed.Spec!.Components!.Compute!.NodeGroups![1].Template!.Spec!.Resources!;

        Assert.Equal(new Quantity("2"), spot.Limits!["cpu"]);
        Assert.Equal(new Quantity("1500m"), spot.Requests!["cpu"]);
        Assert.Equal(new Quantity("4", WrittenAsNumber: true), parsed.Spec.Components.Compute.NodeGroups[0].Template!.Spec!.Resources!.Limits!["cpu"]);
    }
}
