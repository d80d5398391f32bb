using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Json;

/// <summary>Serialization helpers and semantic comparison for models and JSON objects.</summary>
public static class KubeJson
{
    /// <summary>Options for JsonNode text: no HTML escaping, so label selectors and '+' stay readable.</summary>
    public static JsonSerializerOptions Options { get; } = new(KubeJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonObject ToJsonObject<T>(T value, JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.SerializeToNode(value, typeInfo) as JsonObject
        ?? throw new ArgumentException("the value does not serialise to a JSON object", nameof(value));

    /// <summary>
    /// True when both serialise to the same JSON. Records holding lists and dictionaries compare those
    /// by reference, so "did anything change?" questions go through here instead of ==.
    /// </summary>
    public static bool SemanticEquals<T>(T left, T right, JsonTypeInfo<T> typeInfo) =>
        JsonNode.DeepEquals(JsonSerializer.SerializeToNode(left, typeInfo), JsonSerializer.SerializeToNode(right, typeInfo));

    public static string? GetName(this JsonObject obj) => GetMetadataString(obj, "name");

    public static string? GetNamespace(this JsonObject obj) => GetMetadataString(obj, "namespace");

    public static string? GetResourceVersion(this JsonObject obj) => GetMetadataString(obj, "resourceVersion");

    public static string? GetUid(this JsonObject obj) => GetMetadataString(obj, "uid");

    public static long? GetGeneration(this JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj["metadata"]?["generation"] is JsonValue v && v.TryGetValue<long>(out var g) ? g : null;
    }

    private static string? GetMetadataString(JsonObject obj, string field)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj["metadata"]?[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }
}
