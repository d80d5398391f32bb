using System.Collections.Immutable;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.History;

/// <summary>
/// One past evaluation of one component: what the resource had, what the engine recommended and decided,
/// and whether the host acted on it. Stabilization windows read the recommendations; rate limits and
/// cooldowns read the actions; policies read their own past proposals.
/// </summary>
public sealed record HistoryEntry
{
    private string? _reason;

    public required DateTimeOffset Time { get; init; }

    public required ComponentKey Component { get; init; }

    public required int From { get; init; }

    public required int To { get; init; }

    /// <summary>The recommendation before time-based guards (what HPA's stabilization window remembers).</summary>
    public int Recommended { get; init; }

    /// <summary>True when the host changed the replicas from <see cref="From"/> to <see cref="To"/>.</summary>
    public bool Acted { get; init; }

    /// <summary>The proposals of the decision, when the entry was recorded in this process.</summary>
    public ImmutableArray<Proposal> Proposals { get; init; } = [];

    /// <summary>The decision the entry was recorded from, if any; its reason is written only on demand.</summary>
    public ComponentDecision? Decision { get; init; }

    public string Reason
    {
        get => _reason ??= Decision?.Reason ?? "";
        init => _reason = value;
    }

    public static HistoryEntry Of(ComponentDecision decision, bool acted) => new()
    {
        Time = decision.Time,
        Component = decision.Component,
        From = decision.From,
        To = acted ? decision.To : decision.From,
        Recommended = decision.Recommended,
        Acted = acted && decision.IsChange,
        Proposals = decision.Proposals,
        Decision = decision,
    };

    /// <summary>The proposal a named policy made in this entry, if recorded.</summary>
    public Proposal? ProposalOf(string policy)
    {
        foreach (var proposal in Proposals)
        {
            if (proposal.Policy == policy)
            {
                return proposal;
            }
        }

        return null;
    }
}
