using System.Text.Json;
using System.Text.Json.Serialization;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Crd;

namespace RwAutoscaler.Operator.Resources;

/// <summary>
/// RisingWaveStatus as upstream writes it. Fields owned by others (scaleViews, written by the ScaleView
/// controller; internal) and fields we do not know stay in the extension data and are written back as read.
/// </summary>
internal sealed record RisingWaveStatus
{
    public long? ObservedGeneration { get; init; }

    public string? Version { get; init; }

    public RisingWaveComponentsReplicasStatus? ComponentReplicas { get; init; }

    [ListMapKeys("type")]
    public IReadOnlyList<Condition>? Conditions { get; init; }

    public RisingWaveStoreStatus? MetaStore { get; init; }

    public RisingWaveStoreStatus? StateStore { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

internal sealed record RisingWaveComponentsReplicasStatus
{
    public ComponentReplicasStatus? Meta { get; init; }

    public ComponentReplicasStatus? Frontend { get; init; }

    public ComponentReplicasStatus? Compute { get; init; }

    public ComponentReplicasStatus? Compactor { get; init; }

    public ComponentReplicasStatus? Standalone { get; init; }
}

internal sealed record ComponentReplicasStatus
{
    /// <summary>Sum of the groups' spec replicas.</summary>
    public required int Target { get; init; }

    /// <summary>Sum of the groups' workload readyReplicas.</summary>
    public required int Running { get; init; }

    public IReadOnlyList<ComponentGroupReplicasStatus>? Groups { get; init; }
}

internal sealed record ComponentGroupReplicasStatus
{
    public required string Name { get; init; }

    public required int Target { get; init; }

    public required int Running { get; init; }

    public required bool Exists { get; init; }
}

internal sealed record RisingWaveStoreStatus
{
    public string? Backend { get; init; }
}
