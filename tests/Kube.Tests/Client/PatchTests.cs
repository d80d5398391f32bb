using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.TestKit.FakeKube.Patching;

namespace RwAutoscaler.Kube.Tests.Client;

public sealed class PatchTests
{
    // RFC 6902 section 4 examples: add into arrays (including "-"), move, copy, remove, test.
    [Fact]
    public void json_patch_applies_the_rfc_operations()
    {
        var doc = JsonNode.Parse("""{"a":[1,3],"b":{"c":1},"d":"x"}""");
        var patch = JsonPatchApplier.Parse("""
            [{"op":"add","path":"/a/1","value":2},{"op":"add","path":"/a/-","value":4},
             {"op":"move","from":"/b/c","path":"/moved"},{"op":"copy","from":"/d","path":"/copied"},
             {"op":"remove","path":"/d"},{"op":"test","path":"/a","value":[1,2,3,4]}]
            """);
        var result = patch.Apply(doc);
        Assert.Equal("""{"a":[1,2,3,4],"b":{},"moved":1,"copied":"x"}""", result!.ToJsonString());
        Assert.Equal("""{"a":[1,3],"b":{"c":1},"d":"x"}""", doc!.ToJsonString());
    }

    // RFC 6901 escaping: "~1" is "/", "~0" is "~" (label keys like app.kubernetes.io/name).
    [Fact]
    public void json_pointers_escape_slashes_and_tildes()
    {
        var path = JsonPointer.Create("metadata", "labels", "app.kubernetes.io/name");
        Assert.Equal("/metadata/labels/app.kubernetes.io~1name", path);
        var result = Apply(new JsonPatchDocument().Add(path, "rw"), JsonNode.Parse("""{"metadata":{"labels":{}}}"""));
        Assert.Equal("rw", (string?)result!["metadata"]!["labels"]!["app.kubernetes.io/name"]);
    }

    // A failed test fails the whole patch, and the error names the operation.
    [Fact]
    public void a_failed_test_names_the_operation()
    {
        var e = Assert.Throws<JsonPatchException>(() => Apply(new JsonPatchDocument().Test("/spec/replicas", 2), JsonNode.Parse("""{"spec":{"replicas":3}}""")));
        Assert.Contains("operation 0 (test /spec/replicas)", e.Message, StringComparison.Ordinal);
    }

    // Parsing rejects what is not a patch, naming the field.
    [Theory]
    [InlineData("""{"op":"add"}""", "array")]
    [InlineData("""[{"op":"frobnicate","path":"/a"}]""", "unknown op")]
    [InlineData("""[{"op":"add","path":"/a"}]""", "'value'")]
    public void malformed_patches_are_rejected_with_the_reason(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<JsonPatchException>(() => JsonPatchApplier.Parse(json)).Message, StringComparison.Ordinal);

    // The document the client writes is the RFC's, and the fake reads it back.
    [Fact]
    public void a_patch_document_is_written_as_the_rfc_array()
    {
        var patch = new JsonPatchDocument().Test("/spec/replicas", 3).Replace("/spec/replicas", 4);
        Assert.Equal(4, (int?)Apply(patch, JsonNode.Parse("""{"spec":{"replicas":3}}"""))!["spec"]!["replicas"]);
        Assert.Equal("""[{"op":"test","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/replicas","value":4}]""", patch.ToJsonString());
    }

    // RFC 7386 property: applying CreateDiff(a, b) to a gives b, for any pair of flat-ish objects without nulls.
    [Fact]
    public void a_merge_diff_applied_to_its_original_gives_the_modified_object()
    {
        var keys = Gen.Elements("a", "b", "c", "d");
        var values = Gen.OneOf(Gen.Choose(0, 3).Select(i => (JsonNode?)JsonValue.Create(i)), Gen.Constant((JsonNode?)new JsonArray(1, 2)));
        var objects = Gen.ListOf(Gen.Zip(keys, values)).Select(pairs =>
        {
            var obj = new JsonObject();
            foreach (var (k, v) in pairs)
            {
                obj[k] = k == "d" ? new JsonObject { ["x"] = v?.DeepClone() } : v?.DeepClone();
            }
            return obj;
        });
        Prop.ForAll(Arb.From(objects), Arb.From(objects), (a, b) =>
        {
            var diff = JsonMergePatch.CreateDiff(a, b);
            var result = diff is null ? a : JsonMergePatch.Apply(a, diff);
            return JsonNode.DeepEquals(result, b);
        }).QuickCheckThrowOnFailure();
    }

    private static JsonNode? Apply(JsonPatchDocument patch, JsonNode? document) => JsonPatchApplier.Parse(patch.ToJsonString()).Apply(document);
}
