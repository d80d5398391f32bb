using System.Collections.Immutable;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Decisions;

/// <summary>The decisions for every configured component of one cluster at one instant.</summary>
public sealed record ClusterDecision
{
    public required string Cluster { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required ImmutableArray<ComponentDecision> Components { get; init; }

    public ComponentDecision? Find(ComponentKey key)
    {
        foreach (var decision in Components)
        {
            if (decision.Component == key)
            {
                return decision;
            }
        }

        return null;
    }
}
