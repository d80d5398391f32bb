using System.Text.Json;
using System.Text.Json.Serialization;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Kube.Models;

/// <summary>metav1.ObjectMeta. Fields we do not model (managedFields, ...) survive a round trip.</summary>
public sealed record ObjectMeta
{
    public string? Name { get; init; }

    public string? GenerateName { get; init; }

    public string? Namespace { get; init; }

    public string? Uid { get; init; }

    /// <summary>Opaque: compare for equality only and pass back unchanged.</summary>
    public string? ResourceVersion { get; init; }

    public long? Generation { get; init; }

    [JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? CreationTimestamp { get; init; }

    [JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? DeletionTimestamp { get; init; }

    public long? DeletionGracePeriodSeconds { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public IReadOnlyList<OwnerReference>? OwnerReferences { get; init; }

    public IReadOnlyList<string>? Finalizers { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>metav1.OwnerReference; owners must live in the dependent's namespace (or be cluster-scoped).</summary>
public sealed record OwnerReference
{
    public required string ApiVersion { get; init; }

    public required string Kind { get; init; }

    public required string Name { get; init; }

    public required string Uid { get; init; }

    public bool? Controller { get; init; }

    public bool? BlockOwnerDeletion { get; init; }
}

/// <summary>metav1.ListMeta.</summary>
public sealed record ListMeta
{
    public string? ResourceVersion { get; init; }

    public string? Continue { get; init; }

    public long? RemainingItemCount { get; init; }
}

/// <summary>core/v1 ObjectReference, as used by Event.regarding.</summary>
public sealed record ObjectReference
{
    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public string? Namespace { get; init; }

    public string? Name { get; init; }

    public string? Uid { get; init; }

    public string? ResourceVersion { get; init; }

    public string? FieldPath { get; init; }
}

/// <summary>metav1.LabelSelector.</summary>
public sealed record LabelSelector
{
    public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }

    public IReadOnlyList<LabelSelectorRequirement>? MatchExpressions { get; init; }
}

public sealed record LabelSelectorRequirement
{
    public required string Key { get; init; }

    /// <summary>In, NotIn, Exists or DoesNotExist.</summary>
    public required string Operator { get; init; }

    public IReadOnlyList<string>? Values { get; init; }
}
