using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Kube.Models;

/// <summary>apps/v1 Deployment.</summary>
public sealed record Deployment : IKubernetesObject<Deployment>
{
    public string? ApiVersion { get; set; } = "apps/v1";

    public string? Kind { get; set; } = "Deployment";

    public ObjectMeta Metadata { get; init; } = new();

    public DeploymentSpec? Spec { get; init; }

    public DeploymentStatus? Status { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    public static ResourceType Resource => ResourceType.Deployments;

    public static JsonTypeInfo<Deployment> JsonTypeInfo => KubeJsonContext.Default.Deployment;

    public static JsonTypeInfo<ResourceList<Deployment>> ListJsonTypeInfo => KubeJsonContext.Default.ResourceListDeployment;
}

public sealed record DeploymentSpec
{
    public int? Replicas { get; init; }

    public LabelSelector? Selector { get; init; }

    public PodTemplateSpec? Template { get; init; }

    public JsonObject? Strategy { get; init; }

    public int? MinReadySeconds { get; init; }

    public int? RevisionHistoryLimit { get; init; }

    public bool? Paused { get; init; }

    public int? ProgressDeadlineSeconds { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

public sealed record DeploymentStatus
{
    public long? ObservedGeneration { get; init; }

    public int? Replicas { get; init; }

    public int? UpdatedReplicas { get; init; }

    public int? ReadyReplicas { get; init; }

    public int? AvailableReplicas { get; init; }

    public int? UnavailableReplicas { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>apps/v1 StatefulSet.</summary>
public sealed record StatefulSet : IKubernetesObject<StatefulSet>
{
    public string? ApiVersion { get; set; } = "apps/v1";

    public string? Kind { get; set; } = "StatefulSet";

    public ObjectMeta Metadata { get; init; } = new();

    public StatefulSetSpec? Spec { get; init; }

    public StatefulSetStatus? Status { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    public static ResourceType Resource => ResourceType.StatefulSets;

    public static JsonTypeInfo<StatefulSet> JsonTypeInfo => KubeJsonContext.Default.StatefulSet;

    public static JsonTypeInfo<ResourceList<StatefulSet>> ListJsonTypeInfo => KubeJsonContext.Default.ResourceListStatefulSet;
}

public sealed record StatefulSetSpec
{
    public int? Replicas { get; init; }

    public LabelSelector? Selector { get; init; }

    public string? ServiceName { get; init; }

    public PodTemplateSpec? Template { get; init; }

    public IReadOnlyList<JsonObject>? VolumeClaimTemplates { get; init; }

    /// <summary>OrderedReady or Parallel.</summary>
    public string? PodManagementPolicy { get; init; }

    public JsonObject? UpdateStrategy { get; init; }

    public int? MinReadySeconds { get; init; }

    public int? RevisionHistoryLimit { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

public sealed record StatefulSetStatus
{
    public long? ObservedGeneration { get; init; }

    public int? Replicas { get; init; }

    public int? ReadyReplicas { get; init; }

    public int? CurrentReplicas { get; init; }

    public int? UpdatedReplicas { get; init; }

    public int? AvailableReplicas { get; init; }

    public string? CurrentRevision { get; init; }

    public string? UpdateRevision { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>autoscaling/v1 Scale: the schema-independent view of a replica count (/scale subresource).</summary>
public sealed record Scale
{
    public string? ApiVersion { get; set; } = "autoscaling/v1";

    public string? Kind { get; set; } = "Scale";

    public ObjectMeta Metadata { get; init; } = new();

    public ScaleSpec Spec { get; init; } = new();

    public ScaleStatus? Status { get; init; }
}

public sealed record ScaleSpec
{
    /// <summary>omitempty on the wire: absent means 0.</summary>
    public int? Replicas { get; init; }
}

public sealed record ScaleStatus
{
    public int Replicas { get; init; }

    /// <summary>The label selector in query-string form, e.g. "app=foo,component=bar".</summary>
    public string? Selector { get; init; }
}
