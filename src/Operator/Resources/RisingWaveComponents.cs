using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Crd;

namespace RwAutoscaler.Operator.Resources;

internal sealed record RisingWaveComponents
{
    public RisingWaveComponent? Meta { get; init; }

    public RisingWaveComponent? Frontend { get; init; }

    public RisingWaveComponent? Compute { get; init; }

    public RisingWaveComponent? Compactor { get; init; }

    [Description("The single-process mode (enableStandaloneMode); kept, not acted on by this operator.")]
    public JsonObject? Standalone { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

internal sealed record RisingWaveComponent
{
    [Default("\"INFO\"")]
    [Description("Log level of the nodes, in any format the component understands (RUST_LOG for Rust).")]
    public string? LogLevel { get; init; }

    public bool? DisallowPrintStackTraces { get; init; }

    [ListMapKeys("name")]
    [Description("Groups of nodes of the component, keyed by name; the default group is named \"\".")]
    public IReadOnlyList<RisingWaveNodeGroup>? NodeGroups { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

internal sealed record RisingWaveNodeGroup
{
    /// <summary>The upstream marker: empty, or a lowercase RFC 1123 subdomain.</summary>
    public const string NamePattern = @"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    [RequiredInSchema]
    [Default("\"\"")]
    [Pattern(NamePattern)]
    [MaxLength(253)]
    [Description("Name of the node group; \"\" is the default group.")]
    public string? Name { get; init; }

    [Minimum(0)]
    [Description("Replicas of Pods in this group.")]
    public int? Replicas { get; init; }

    [Format("date-time")]
    [Description("Setting a time here recreates the Pods of the group.")]
    public string? RestartAt { get; init; }

    public RisingWaveNodeConfiguration? Configuration { get; init; }

    public RisingWaveUpgradeStrategy? UpgradeStrategy { get; init; }

    public int? MinReadySeconds { get; init; }

    public int? ProgressDeadlineSeconds { get; init; }

    public IReadOnlyList<JsonObject>? VolumeClaimTemplates { get; init; }

    public JsonObject? PersistentVolumeClaimRetentionPolicy { get; init; }

    public RisingWaveNodePodTemplate? Template { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

internal sealed record RisingWaveUpgradeStrategy
{
    [Default("\"RollingUpdate\"")]
    [Enum("Recreate", "RollingUpdate", "InPlaceIfPossible", "InPlaceOnly")]
    public string? Type { get; init; }

    public RisingWaveRollingUpdate? RollingUpdate { get; init; }

    public JsonObject? InPlaceUpdateStrategy { get; init; }
}

internal sealed record RisingWaveRollingUpdate
{
    public IntOrString? MaxUnavailable { get; init; }

    public IntOrString? Partition { get; init; }

    public IntOrString? MaxSurge { get; init; }
}

internal sealed record RisingWaveNodePodTemplate
{
    public PartialObjectMeta? Metadata { get; init; }

    public RisingWaveNodePodTemplateSpec? Spec { get; init; }
}

/// <summary>
/// The container fields of the RisingWave container and the pod fields, side by side (upstream inlines
/// RisingWaveNodeContainer into RisingWaveNodePodTemplateSpec). Kubernetes objects inside are kept as JSON.
/// </summary>
internal sealed record RisingWaveNodePodTemplateSpec
{
    // Container fields.
    [Description("Image of this group's containers; defaults to spec.image.")]
    public string? Image { get; init; }

    [Enum("Always", "Never", "IfNotPresent")]
    public string? ImagePullPolicy { get; init; }

    public IReadOnlyList<JsonObject>? EnvFrom { get; init; }

    public IReadOnlyList<EnvVar>? Env { get; init; }

    public RisingWaveResourceRequirements? Resources { get; init; }

    public IReadOnlyList<JsonObject>? VolumeMounts { get; init; }

    public IReadOnlyList<JsonObject>? VolumeDevices { get; init; }

    public JsonObject? SecurityContext { get; init; }

    // Pod fields.
    public IReadOnlyList<JsonObject>? Volumes { get; init; }

    public long? ActiveDeadlineSeconds { get; init; }

    public long? TerminationGracePeriodSeconds { get; init; }

    [Enum("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")]
    public string? DnsPolicy { get; init; }

    public IReadOnlyDictionary<string, string>? NodeSelector { get; init; }

    public string? ServiceAccountName { get; init; }

    public bool? AutomountServiceAccountToken { get; init; }

    public bool? HostPID { get; init; }

    public bool? HostIPC { get; init; }

    public bool? ShareProcessNamespace { get; init; }

    [Description("Pod-level security context (securityContext of the PodSpec).")]
    public JsonObject? PodSecurityContext { get; init; }

    public IReadOnlyList<JsonObject>? ImagePullSecrets { get; init; }

    public JsonObject? Affinity { get; init; }

    public string? SchedulerName { get; init; }

    public IReadOnlyList<JsonObject>? Tolerations { get; init; }

    public IReadOnlyList<JsonObject>? HostAliases { get; init; }

    public string? PriorityClassName { get; init; }

    public int? Priority { get; init; }

    public JsonObject? DnsConfig { get; init; }

    public string? RuntimeClassName { get; init; }

    public string? PreemptionPolicy { get; init; }

    public IReadOnlyList<JsonObject>? TopologySpreadConstraints { get; init; }

    public bool? SetHostnameAsFQDN { get; init; }

    public JsonObject? Os { get; init; }

    public bool? HostUsers { get; init; }

    [Description("Containers appended after the RisingWave container.")]
    public IReadOnlyList<JsonObject>? AdditionalContainers { get; init; }

    public IReadOnlyList<JsonObject>? InitContainers { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>corev1.ResourceRequirements with quantities kept as written.</summary>
internal sealed record RisingWaveResourceRequirements
{
    public IReadOnlyDictionary<string, Quantity>? Limits { get; init; }

    public IReadOnlyDictionary<string, Quantity>? Requests { get; init; }

    public IReadOnlyList<JsonObject>? Claims { get; init; }
}

/// <summary>corev1.EnvVar as the RisingWave CRD carries it (valueFrom kept as JSON, passed through to the pods).</summary>
internal sealed record EnvVar
{
    public required string Name { get; init; }

    public string? Value { get; init; }

    public JsonObject? ValueFrom { get; init; }
}
