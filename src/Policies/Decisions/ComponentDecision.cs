using System.Collections.Immutable;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Decisions;

/// <summary>
/// The engine's decision for one component, with its full trail: every policy's proposal with its numbers,
/// and every guard that changed the outcome.
/// </summary>
public sealed record ComponentDecision
{
    private string? _reason;

    public required ComponentKey Component { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>The replicas the resource asked for when the decision was made.</summary>
    public required int From { get; init; }

    /// <summary>What the policies asked for together, before the time-based guards; stabilization remembers this.</summary>
    public required int Recommended { get; init; }

    /// <summary>The replicas the component should have.</summary>
    public required int To { get; init; }

    public required ImmutableArray<Proposal> Proposals { get; init; }

    /// <summary>Index in <see cref="Proposals"/> of the proposal that set the recommendation, or -1.</summary>
    public int Winner { get; init; } = -1;

    public ImmutableArray<GuardStep> Guards { get; init; } = [];

    /// <summary>False when the policies could not see the signals they need.</summary>
    public bool MetricsAvailable { get; init; } = true;

    /// <summary>Overrides that expired by this decision (the host reports them once).</summary>
    public ImmutableArray<string> ExpiredOverrides { get; init; } = [];

    public bool IsChange => To != From;

    /// <summary>One line a human reads in an event: what happens and the main why.</summary>
    public string Reason => _reason ??= DecisionText.Reason(this);
}
