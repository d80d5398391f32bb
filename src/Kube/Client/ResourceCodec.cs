using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Client;

/// <summary>How to (de)serialise T and read its identity, for typed models and plain JSON objects alike.</summary>
internal sealed record ResourceCodec<T>(
    JsonTypeInfo<T> Item,
    JsonTypeInfo<ResourceList<T>> List,
    Func<T, string?> Name,
    Func<T, string?> Namespace,
    Func<T, string?> ResourceVersion)
    where T : class;

internal static class ResourceCodecs
{
    public static ResourceCodec<JsonObject> Json { get; } = new(
        KubeJsonContext.Default.JsonObject,
        KubeJsonContext.Default.ResourceListJsonObject,
        o => o.GetName(),
        o => o.GetNamespace(),
        o => o.GetResourceVersion());

    public static ResourceCodec<T> Typed<T>()
        where T : class, IKubernetesObject<T> =>
        new(T.JsonTypeInfo, T.ListJsonTypeInfo, o => o.Metadata.Name, o => o.Metadata.Namespace, o => o.Metadata.ResourceVersion);
}
