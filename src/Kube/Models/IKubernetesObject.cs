using System.Text.Json.Serialization.Metadata;

namespace RwAutoscaler.Kube.Models;

/// <summary>Any object with apiVersion, kind and metadata.</summary>
public interface IKubernetesObject
{
    string? ApiVersion { get; }

    string? Kind { get; }

    ObjectMeta Metadata { get; }
}

/// <summary>
/// A typed model that knows its own resource and its source-generated JSON contracts, so that
/// <c>client.Resource&lt;Deployment&gt;()</c> needs no further arguments.
/// </summary>
public interface IKubernetesObject<TSelf> : IKubernetesObject
    where TSelf : class, IKubernetesObject<TSelf>
{
    static abstract ResourceType Resource { get; }

    static abstract JsonTypeInfo<TSelf> JsonTypeInfo { get; }

    static abstract JsonTypeInfo<ResourceList<TSelf>> ListJsonTypeInfo { get; }
}

/// <summary>A LIST response: <c>{"kind":"XList","apiVersion":...,"metadata":{...},"items":[...]}</c>.</summary>
public sealed record ResourceList<T>
{
    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public ListMeta Metadata { get; init; } = new();

    public IReadOnlyList<T> Items { get; init; } = [];
}
