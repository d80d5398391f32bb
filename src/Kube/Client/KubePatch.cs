using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Patching;

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
}
