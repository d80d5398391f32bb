using System.Collections.Immutable;

namespace RwAutoscaler.Policies.Model;

/// <summary>An immutable observation of one RisingWave cluster at one instant.</summary>
public sealed record ClusterObservation
{
    /// <summary><c>namespace/name</c> of the RisingWave resource.</summary>
    public required string Cluster { get; init; }

    /// <summary>When the observation was taken; the engine's "now" unless the caller overrides it.</summary>
    public required DateTimeOffset Time { get; init; }

    public required ImmutableArray<ComponentObservation> Components { get; init; }

    public ComponentObservation? Find(ComponentKey key)
    {
        foreach (var component in Components)
        {
            if (component.Key == key)
            {
                return component;
            }
        }

        return null;
    }
}
