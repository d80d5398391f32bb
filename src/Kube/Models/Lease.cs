using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Kube.Models;

/// <summary>coordination.k8s.io/v1 Lease; the times are MicroTime (exactly six fractional digits).</summary>
public sealed record Lease : IKubernetesObject<Lease>
{
    public string? ApiVersion { get; set; } = "coordination.k8s.io/v1";

    public string? Kind { get; set; } = "Lease";

    public ObjectMeta Metadata { get; init; } = new();

    public LeaseSpec? Spec { get; init; }

    public static ResourceType Resource => ResourceType.Leases;

    public static JsonTypeInfo<Lease> JsonTypeInfo => KubeJsonContext.Default.Lease;

    public static JsonTypeInfo<ResourceList<Lease>> ListJsonTypeInfo => KubeJsonContext.Default.ResourceListLease;
}

public sealed record LeaseSpec
{
    public string? HolderIdentity { get; init; }

    public int? LeaseDurationSeconds { get; init; }

    [JsonConverter(typeof(KubeMicroTimeConverter))]
    public DateTimeOffset? AcquireTime { get; init; }

    [JsonConverter(typeof(KubeMicroTimeConverter))]
    public DateTimeOffset? RenewTime { get; init; }

    public int? LeaseTransitions { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
