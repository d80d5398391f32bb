using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Decisions;

public enum ProposalKind
{
    /// <summary>The policy recommends a replica count.</summary>
    Replicas,
    /// <summary>The policy has no opinion now (no load it reacts to, or not enough data).</summary>
    Abstain,
    /// <summary>The policy changes the bounds rather than proposing a count (schedules).</summary>
    Bounds,
}

/// <summary>
/// One policy's proposal for one component, with the numbers it used. A value type: a decision holds an
/// array of these and nothing else per policy.
/// </summary>
public readonly record struct Proposal
{
    /// <summary>The policy's name in the spec (its type unless the spec names it).</summary>
    public required string Policy { get; init; }

    public required ProposalKind Kind { get; init; }

    /// <summary>The recommended count when <see cref="Kind"/> is <see cref="ProposalKind.Replicas"/>.</summary>
    public int Replicas { get; init; }

    /// <summary>Bounds set by a <see cref="ProposalKind.Bounds"/> proposal; null leaves that bound alone.</summary>
    public int? MinReplicas { get; init; }

    public int? MaxReplicas { get; init; }

    /// <summary>The policy forbids scaling down now (an SLO is violated, writes are stopped).</summary>
    public bool VetoScaleDown { get; init; }

    /// <summary>A signal the policy needs was missing, stale or invalid; the engine then never scales down.</summary>
    public bool MetricsMissing { get; init; }

    /// <summary>The signal that was missing or had invalid samples, if any.</summary>
    public SignalRef? Signal { get; init; }

    /// <summary>Samples of <see cref="Signal"/> ignored because they were NaN, infinite or negative.</summary>
    public int InvalidSamples { get; init; }

    /// <summary>A change the policy is waiting to make (a delayed scale-down): since when, and to what.</summary>
    public DateTimeOffset? PendingSince { get; init; }

    public int PendingReplicas { get; init; }

    public required ExplanationTemplate Template { get; init; }

    public Numbers Numbers { get; init; }

    public string Explain()
    {
        var text = Template.Render(Numbers);
        if (InvalidSamples > 0 && Signal is { } signal)
        {
            text += $" ({InvalidSamples} NaN, infinite or negative samples of {signal.Name} ignored)";
        }
        else if (MetricsMissing && Signal is { } missing)
        {
            text += $" ({missing.Name} is missing or stale)";
        }

        return text;
    }
}
