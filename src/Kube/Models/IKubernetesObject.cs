using System.Text.Json.Serialization.Metadata;
using k8s.Models;

namespace RwAutoscaler.Kube.Models;

/// <summary>
/// One of the project's own typed records of a custom resource: it knows its resource and its source-generated
/// JSON contract, so that <c>client.Resource&lt;RisingWave&gt;()</c> needs no further arguments. Metadata is
/// the official client's model.
/// </summary>
public interface ICustomResource<TSelf>
    where TSelf : class, ICustomResource<TSelf>
{
    string? ApiVersion { get; }

    string? Kind { get; }

    V1ObjectMeta Metadata { get; }

    static abstract ResourceType Resource { get; }

    static abstract JsonTypeInfo<TSelf> JsonTypeInfo { get; }
}

/// <summary>A LIST response: its items and the list's metadata (resourceVersion, continue).</summary>
public sealed record ResourceList<T>(IReadOnlyList<T> Items, V1ListMeta Metadata);
