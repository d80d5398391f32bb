using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Json;

/// <summary>
/// Source-generated contracts for what the project itself models: camelCase, nulls omitted (the API server
/// treats an absent field and a null one alike, except in merge patches, which are built as JsonNode).
/// Built-in kinds are the official client's models.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Condition))]
[JsonSerializable(typeof(IReadOnlyList<Condition>))]
public sealed partial class KubeJsonContext : JsonSerializerContext;
