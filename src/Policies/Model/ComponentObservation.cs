using System.Collections.Immutable;

namespace RwAutoscaler.Policies.Model;

/// <summary>
/// What the host saw of one component. Replica counts follow the Kubernetes convention of
/// <c>kubectl get rs</c>: target (desired, the spec), current (pods that exist), ready.
/// </summary>
public sealed record ComponentObservation
{
    public required ComponentKey Key { get; init; }

    /// <summary>Replicas the RisingWave resource asks for now (the sum over the node group); decisions start here.</summary>
    public required int TargetReplicas { get; init; }

    /// <summary>Pods that exist.</summary>
    public int CurrentReplicas { get; init; }

    /// <summary>Pods that are ready (the operator's <c>running</c>).</summary>
    public int ReadyReplicas { get; init; }

    /// <summary>True while the operator or RisingWave is still carrying out a previous rescale.</summary>
    public bool RescaleInProgress { get; init; }

    /// <summary>CPU cores per replica (the container's CPU limit), when known.</summary>
    public double? CoresPerReplica { get; init; }

    public SignalSet Signals { get; init; } = SignalSet.Empty;

    /// <summary>Optional per-pod view for the HPA rules.</summary>
    public ImmutableArray<PodObservation> Pods { get; init; } = [];
}
