using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Client;

/// <summary>How T is read from and written to the JSON the official client carries, and how its identity is read.</summary>
internal sealed record ResourceCodec<T>(
    Func<JsonObject, T> Read,
    Func<T, JsonObject> Write,
    Func<T, string?> Name,
    Func<T, string?> Namespace,
    Func<T, string?> ResourceVersion)
    where T : class;

internal static class ResourceCodecs
{
    public static ResourceCodec<JsonObject> Json { get; } = new(
        o => o,
        o => o,
        o => o.GetName(),
        o => o.GetNamespace(),
        o => o.GetResourceVersion());

    public static ResourceCodec<T> Typed<T>()
        where T : class, ICustomResource<T> =>
        new(
            o => o.Deserialize(T.JsonTypeInfo) ?? throw new JsonException($"null where a {T.Resource.Kind} was expected"),
            o => KubeJson.ToJsonObject(o, T.JsonTypeInfo),
            o => o.Metadata.Name,
            o => o.Metadata.NamespaceProperty,
            o => o.Metadata.ResourceVersion);
}
