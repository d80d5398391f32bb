using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Kube.Models;

// The pod template is modelled as far as the operator sets it; everything else (probes, affinity,
// security contexts, ...) is kept as JSON, and unknown fields survive a round trip.

public sealed record PodTemplateSpec
{
    public ObjectMeta? Metadata { get; init; }

    public PodSpec? Spec { get; init; }
}

public sealed record PodSpec
{
    public IReadOnlyList<Container> Containers { get; init; } = [];

    public IReadOnlyList<Container>? InitContainers { get; init; }

    public IReadOnlyList<JsonObject>? Volumes { get; init; }

    public string? ServiceAccountName { get; init; }

    public IReadOnlyDictionary<string, string>? NodeSelector { get; init; }

    public JsonObject? Affinity { get; init; }

    public IReadOnlyList<JsonObject>? Tolerations { get; init; }

    public long? TerminationGracePeriodSeconds { get; init; }

    public string? RestartPolicy { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

public sealed record Container
{
    public required string Name { get; init; }

    public string? Image { get; init; }

    public string? ImagePullPolicy { get; init; }

    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyList<string>? Args { get; init; }

    public IReadOnlyList<EnvVar>? Env { get; init; }

    public IReadOnlyList<ContainerPort>? Ports { get; init; }

    public ResourceRequirements? Resources { get; init; }

    public IReadOnlyList<VolumeMount>? VolumeMounts { get; init; }

    public JsonObject? ReadinessProbe { get; init; }

    public JsonObject? LivenessProbe { get; init; }

    public JsonObject? StartupProbe { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

public sealed record EnvVar
{
    public required string Name { get; init; }

    public string? Value { get; init; }

    public JsonObject? ValueFrom { get; init; }
}

public sealed record ContainerPort
{
    public string? Name { get; init; }

    [JsonPropertyName("containerPort")]
    public required int Port { get; init; }

    public string? Protocol { get; init; }
}

/// <summary>Quantities stay strings ("500m", "2Gi"): the client never does arithmetic on them.</summary>
public sealed record ResourceRequirements
{
    public IReadOnlyDictionary<string, string>? Limits { get; init; }

    public IReadOnlyDictionary<string, string>? Requests { get; init; }
}

public sealed record VolumeMount
{
    public required string Name { get; init; }

    public required string MountPath { get; init; }

    public bool? ReadOnly { get; init; }

    public string? SubPath { get; init; }
}

public sealed record PodStatus
{
    public string? Phase { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }

    public string? PodIP { get; init; }

    [JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? StartTime { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
