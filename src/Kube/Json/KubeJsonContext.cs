using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Json;

/// <summary>
/// Source-generated contracts for every model: camelCase, nulls omitted (the API server treats an
/// absent field and a null one alike, except in merge patches, which are built as JsonNode).
/// Models are immutable records except two kinds of property, which are settable because the
/// generator binds init-only properties through a constructor: apiVersion/kind (an init-only default
/// would be lost when a LIST item omits them) and the [JsonExtensionData] bags (which cannot bind to
/// a constructor parameter at all).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(ResourceList<JsonObject>))]
[JsonSerializable(typeof(Status))]
[JsonSerializable(typeof(ObjectMeta))]
[JsonSerializable(typeof(DeleteOptions))]
[JsonSerializable(typeof(Scale))]
[JsonSerializable(typeof(Condition))]
[JsonSerializable(typeof(IReadOnlyList<Condition>))]
[JsonSerializable(typeof(Namespace))]
[JsonSerializable(typeof(ResourceList<Namespace>))]
[JsonSerializable(typeof(ConfigMap))]
[JsonSerializable(typeof(ResourceList<ConfigMap>))]
[JsonSerializable(typeof(Service))]
[JsonSerializable(typeof(ResourceList<Service>))]
[JsonSerializable(typeof(Pod))]
[JsonSerializable(typeof(ResourceList<Pod>))]
[JsonSerializable(typeof(Deployment))]
[JsonSerializable(typeof(ResourceList<Deployment>))]
[JsonSerializable(typeof(StatefulSet))]
[JsonSerializable(typeof(ResourceList<StatefulSet>))]
[JsonSerializable(typeof(Lease))]
[JsonSerializable(typeof(ResourceList<Lease>))]
[JsonSerializable(typeof(Event))]
[JsonSerializable(typeof(ResourceList<Event>))]
public sealed partial class KubeJsonContext : JsonSerializerContext;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RawWatchEvent))]
internal sealed partial class KubeInternalJsonContext : JsonSerializerContext;

/// <summary>One line of a watch stream before its object is decoded: the object's type depends on the event type.</summary>
internal sealed record RawWatchEvent
{
    public string? Type { get; init; }

    public JsonElement Object { get; init; }
}
