using System.Text.Json.Nodes;
using k8s.Models;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Kube.Client;

/// <summary>A PATCH body and the content type that selects its semantics on the server.</summary>
public sealed record KubePatch(string ContentType, string Body)
{
    public const string MergePatchType = "application/merge-patch+json";
    public const string JsonPatchType = "application/json-patch+json";
    public const string StrategicMergePatchType = "application/strategic-merge-patch+json";

    /// <summary>RFC 7386: null deletes, objects merge, arrays replace. Works on every kind, custom resources too.</summary>
    public static KubePatch Merge(JsonNode patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return new(MergePatchType, patch.ToJsonString(KubeJson.Options));
    }

    /// <summary>RFC 6902; a leading <c>test</c> operation makes the patch conditional.</summary>
    public static KubePatch Json(JsonPatchDocument patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return new(JsonPatchType, patch.ToJsonString());
    }

    /// <summary>Built-in kinds only: the server rejects it on custom resources with 415.</summary>
    public static KubePatch StrategicMerge(JsonNode patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return new(StrategicMergePatchType, patch.ToJsonString(KubeJson.Options));
    }

    /// <summary>A merge patch of the replica count, the shape the /scale subresource accepts.</summary>
    public static KubePatch Replicas(int replicas) =>
        Merge(new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } });

    /// <summary>The same patch as the official client sends it (the body goes out as it is).</summary>
    public V1Patch ToV1Patch() => new(Body, ContentType switch
    {
        MergePatchType => V1Patch.PatchType.MergePatch,
        JsonPatchType => V1Patch.PatchType.JsonPatch,
        StrategicMergePatchType => V1Patch.PatchType.StrategicMergePatch,
        _ => throw new InvalidOperationException($"unsupported patch content type '{ContentType}'"),
    });
}

/// <summary>An RFC 6902 JSON patch built fluently; a <c>test</c> first makes it a test-and-set.</summary>
public sealed class JsonPatchDocument
{
    private readonly JsonArray operations = [];

    public JsonPatchDocument Add(string path, JsonNode? value) => Append("add", path, value);

    public JsonPatchDocument Remove(string path) => Append("remove", path);

    public JsonPatchDocument Replace(string path, JsonNode? value) => Append("replace", path, value);

    public JsonPatchDocument Test(string path, JsonNode? value) => Append("test", path, value);

    public string ToJsonString() => operations.ToJsonString(KubeJson.Options);

    private JsonPatchDocument Append(string op, string path, JsonNode? value = null)
    {
        var node = new JsonObject { ["op"] = op, ["path"] = path };
        if (op != "remove")
        {
            node["value"] = value?.DeepClone();
        }

        operations.Add(node);
        return this;
    }
}
