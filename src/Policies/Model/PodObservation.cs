namespace RwAutoscaler.Policies.Model;

/// <summary>Pod phases as far as the HPA algorithm cares.</summary>
public enum PodPhase
{
    Running,
    Pending,
    Failed,
}

/// <summary>
/// One pod of a component, for the HPA rules that look at pods one by one: missing metrics, not-ready pods,
/// the CPU initialization period. Optional: without pods, the utilization policy uses the component average.
/// </summary>
public sealed record PodObservation
{
    public required string Name { get; init; }

    public PodPhase Phase { get; init; } = PodPhase.Running;

    public bool Ready { get; init; } = true;

    public bool Deleting { get; init; }

    /// <summary>When the pod started; the CPU initialization period counts from here.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>Last transition of the pod's Ready condition.</summary>
    public DateTimeOffset? ReadyTransitionTime { get; init; }

    /// <summary>Latest value per signal, with the time of the sample. A signal absent here is missing for the pod.</summary>
    public IReadOnlyDictionary<Signal, Sample> Values { get; init; } = new Dictionary<Signal, Sample>();
}
