using System.Text.Json.Nodes;
using RwAutoscaler.Operator.Reconciliation;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Reconciliation;

/// <summary>What counts as "the live object is what we asked for", against what a real API server does to objects.</summary>
public sealed class LiveComparisonTests
{
    [Theory]
    [InlineData("""{"a":1}""", """{"a":1,"b":2}""", true)] // server defaults are extra fields
    [InlineData("""{"a":1}""", """{"a":2}""", false)]
    [InlineData("""{"a":{"b":1}}""", """{"a":{"b":1,"c":"TCP"}}""", true)]
    [InlineData("""{"a":[{"b":1}]}""", """{"a":[{"b":1,"c":2}]}""", true)]
    [InlineData("""{"a":[{"b":1}]}""", """{"a":[{"b":1},{"b":2}]}""", false)] // lists are owned whole
    [InlineData("""{"a":[]}""", """{}""", true)] // omitempty drops empty lists
    [InlineData("""{"a":{}}""", """{}""", true)]
    [InlineData("""{"a":"x"}""", """{}""", false)]
    [InlineData("""{"resources":{"limits":{"cpu":"1000m","memory":"2048Mi"}}}""", """{"resources":{"limits":{"cpu":"1","memory":"2Gi"}}}""", true)] // canonical quantities
    [InlineData("""{"resources":{"requests":{"cpu":"500m"}}}""", """{"resources":{"requests":{"cpu":"0.6"}}}""", false)]
    [InlineData("""{"replicas":"1"}""", """{"replicas":1}""", false)] // quantity rules apply to limits and requests only
    public void Contains_compares_only_what_was_asked_for(string expected, string actual, bool contains) =>
        Assert.Equal(contains, LiveComparison.Contains(JsonNode.Parse(actual), JsonNode.Parse(expected), quantities: false));

    [Fact]
    public void A_field_dropped_from_the_desired_object_changes_its_hash()
    {
        var with = JsonNode.Parse("""{"spec":{"nodeSelector":{"zone":"a"},"replicas":1}}""")!.AsObject();
        var without = JsonNode.Parse("""{"spec":{"replicas":1}}""")!.AsObject();
        var live = JsonNode.Parse($$$"""{"metadata":{"annotations":{"rwautoscaler.dev/desired-hash":"{{{LiveComparison.Hash(with)}}}"}},"spec":{"nodeSelector":{"zone":"a"},"replicas":1}}""")!.AsObject();

        Assert.True(LiveComparison.IsUpToDate(with, LiveComparison.Hash(with), live));
        Assert.True(LiveComparison.Contains(live, without, quantities: false));
        Assert.False(LiveComparison.IsUpToDate(without, LiveComparison.Hash(without), live));
    }
}
