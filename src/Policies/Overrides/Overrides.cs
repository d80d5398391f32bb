using System.Collections.Immutable;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Overrides;

/// <summary>
/// Manual overrides an operator set on the cluster (the daemon reads them from annotations). They are
/// inputs to the engine like metrics are, so that every host honours them the same way. A null
/// <c>Until</c> means the override holds until it is removed.
/// </summary>
public sealed record ScalingOverrides
{
    public static ScalingOverrides None { get; } = new();

    /// <summary>Keep every component where it is.</summary>
    public PauseOverride? Pause { get; init; }

    public ImmutableArray<PinOverride> Pins { get; init; } = [];

    public ImmutableArray<BoundsOverride> Bounds { get; init; } = [];

    /// <summary>Components held where they are because an override meant for them could not be read (fail closed).</summary>
    public ImmutableArray<HoldOverride> Holds { get; init; } = [];
}

/// <summary>Keep a component where it is: an override for it could not be read; <paramref name="Reason"/> says which.</summary>
public sealed record HoldOverride(ComponentKind Component, string Reason);

public sealed record PauseOverride(DateTimeOffset? Until);

/// <summary>Hold a component at exactly <paramref name="Replicas"/>.</summary>
public sealed record PinOverride(ComponentKind Component, int Replicas, DateTimeOffset? Until);

/// <summary>Replace a component's configured bounds for a while (e.g. ahead of a known event).</summary>
public sealed record BoundsOverride(ComponentKind Component, int? MinReplicas, int? MaxReplicas, DateTimeOffset? Until);
