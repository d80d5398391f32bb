using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
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

    public static ResourceCodec<T> Builtin<T>()
        where T : class, k8s.IKubernetesObject<V1ObjectMeta> =>
        new(
            o => KubernetesJson.Deserialize<T>(o.ToJsonString()),
            o => JsonNode.Parse(KubernetesJson.Serialize(o))!.AsObject(),
            o => o.Metadata?.Name,
            o => o.Metadata?.NamespaceProperty,
            o => o.Metadata?.ResourceVersion);

    /// <summary>The resource of a model of the official client, from its [KubernetesEntity]; the few cluster-scoped kinds we use are named.</summary>
    public static ResourceType BuiltinType<T>()
    {
        var entity = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{typeof(T).Name} has no [KubernetesEntity]");
        var clusterScoped = entity.Kind is "Namespace" or "Node" or "PersistentVolume" or "CustomResourceDefinition" or "ClusterRole" or "ClusterRoleBinding";
        return new ResourceType(entity.Group ?? "", entity.ApiVersion, entity.PluralName, entity.Kind, Namespaced: !clusterScoped);
    }

    public static ResourceCodec<T> Typed<T>()
        where T : class, ICustomResource<T> =>
        new(
            o => o.Deserialize(T.JsonTypeInfo) ?? throw new JsonException($"null where a {T.Resource.Kind} was expected"),
            o => KubeJson.ToJsonObject(o, T.JsonTypeInfo),
            o => o.Metadata.Name,
            o => o.Metadata.NamespaceProperty,
            o => o.Metadata.ResourceVersion);
}
