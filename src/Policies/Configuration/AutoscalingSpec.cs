using System.Collections.Immutable;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Configuration;

/// <summary>
/// The policy spec of one cluster: per component, the policies, how they combine, bounds and behaviour.
/// The same schema is embedded in the RisingWaveAutoscaler resource. See docs/policy-spec.md.
/// </summary>
public sealed record AutoscalingSpec
{
    public static TimeSpan DefaultStaleAfter { get; } = TimeSpan.FromMinutes(2);

    /// <summary>A signal whose newest sample is older than this is treated as missing.</summary>
    public TimeSpan StaleAfter { get; init; } = DefaultStaleAfter;

    public ImmutableArray<ComponentSpec> Components { get; init; } = [];

    /// <summary>Named PromQL signals that policies may read besides the catalogue's (docs/policy-spec.md, "Custom signals").</summary>
    public ImmutableArray<CustomSignalSpec> Signals { get; init; } = [];

    public ComponentSpec? Find(ComponentKind kind)
    {
        foreach (var component in Components)
        {
            if (component.Kind == kind)
            {
                return component;
            }
        }

        return null;
    }
}

public enum Combine
{
    /// <summary>The largest proposal wins (HPA and KEDA do this across metrics).</summary>
    Max,
    /// <summary>The smallest proposal wins.</summary>
    Min,
    /// <summary>The first policy in the list that has an opinion wins.</summary>
    Priority,
}

/// <summary>How one component (and node group) is scaled.</summary>
public sealed record ComponentSpec
{
    public required ComponentKind Kind { get; init; }

    /// <summary>The node group; "" is the upstream default group.</summary>
    public string Group { get; init; } = "";

    public ComponentKey Key => new(Kind, Group);

    public int MinReplicas { get; init; } = 1;

    public required int MaxReplicas { get; init; }

    public Combine Combine { get; init; } = Combine.Max;

    public ImmutableArray<PolicySpec> Policies { get; init; } = [];

    public BehaviorSpec Behavior { get; init; } = BehaviorSpec.Default;

    /// <summary>No scale-up within this long after the last action, nor scale-down within that long.</summary>
    public CooldownSpec Cooldown { get; init; } = CooldownSpec.None;

    /// <summary>Replicas to go to when no policy can see its signals (KEDA's fallback); null holds.</summary>
    public int? FallbackReplicas { get; init; }

    /// <summary>Hold while a previous rescale is still being carried out (default on).</summary>
    public bool HoldDuringRescale { get; init; } = true;
}

public sealed record CooldownSpec(TimeSpan ScaleUp, TimeSpan ScaleDown)
{
    public static CooldownSpec None { get; } = new(TimeSpan.Zero, TimeSpan.Zero);
}

/// <summary>Which of several rate policies applies: HPA's <c>selectPolicy</c>.</summary>
public enum SelectPolicy
{
    Max,
    Min,
    Disabled,
}

public enum RatePolicyType
{
    Pods,
    Percent,
}

/// <summary>HPA's <c>HPAScalingPolicy</c>: at most <c>Value</c> pods or percent per <c>Period</c>.</summary>
public sealed record RatePolicy(RatePolicyType Type, int Value, TimeSpan Period);

/// <summary>HPA's <c>HPAScalingRules</c> for one direction.</summary>
public sealed record ScalingRules(TimeSpan StabilizationWindow, SelectPolicy Select, ImmutableArray<RatePolicy> Policies);

/// <summary>HPA's <c>behavior</c>, with HPA's defaults (kubernetes pkg/apis/autoscaling/v2/defaults.go).</summary>
public sealed record BehaviorSpec(ScalingRules ScaleUp, ScalingRules ScaleDown)
{
    public static ScalingRules DefaultScaleUp { get; } = new(
        TimeSpan.Zero,
        SelectPolicy.Max,
        [new RatePolicy(RatePolicyType.Pods, 4, TimeSpan.FromSeconds(15)), new RatePolicy(RatePolicyType.Percent, 100, TimeSpan.FromSeconds(15))]);

    public static ScalingRules DefaultScaleDown { get; } = new(
        TimeSpan.FromSeconds(300),
        SelectPolicy.Max,
        [new RatePolicy(RatePolicyType.Percent, 100, TimeSpan.FromSeconds(15))]);

    public static BehaviorSpec Default { get; } = new(DefaultScaleUp, DefaultScaleDown);

    /// <summary>How far back the guards look into history.</summary>
    public TimeSpan Horizon
    {
        get
        {
            var horizon = TimeSpan.Zero;
            foreach (var rules in new[] { ScaleUp, ScaleDown })
            {
                horizon = TimeSpan.FromTicks(Math.Max(horizon.Ticks, rules.StabilizationWindow.Ticks));
                foreach (var policy in rules.Policies)
                {
                    horizon = TimeSpan.FromTicks(Math.Max(horizon.Ticks, policy.Period.Ticks));
                }
            }

            return horizon;
        }
    }
}

/// <summary>A policy's configuration. Each built-in policy has its own record next to its implementation.</summary>
public abstract record PolicySpec
{
    /// <summary>The policy type, e.g. <c>throughput</c>.</summary>
    public required string Type { get; init; }

    /// <summary>An optional name, needed only to tell two policies of one type apart in the trail.</summary>
    public string? Name { get; init; }

    public string DisplayName => Name ?? Type;

    /// <summary>
    /// The type that read this spec: an engine makes the policy with it, so that a spec read by a host's registry
    /// (with its external policies) runs in whichever engine is given it.
    /// </summary>
    public Engine.IPolicyType? ParsedBy { get; init; }

    // Two specs are equal by what they say, whichever registry read them.
    public virtual bool Equals(PolicySpec? other) =>
        other is not null && EqualityContract == other.EqualityContract && Type == other.Type && Name == other.Name;

    public override int GetHashCode() => HashCode.Combine(EqualityContract, Type, Name);

    /// <summary>The signals the policy names in its spec; a custom one must be defined under <c>signals</c>.</summary>
    public virtual IEnumerable<SignalRef> SignalsRead => [];

    /// <summary>
    /// How far back the policy reads each catalogue signal it keeps a window of: the one declaration that the
    /// daemon's fetch (through <see cref="Horizon"/>) and the simulator's per-signal buffers both follow.
    /// </summary>
    public virtual IEnumerable<SignalReach> Reach => [];

    /// <summary>The longest <see cref="Reach"/>: how far back a host that keeps every signal alike must keep them.</summary>
    public TimeSpan Horizon => Reach.Select(r => r.Back).DefaultIfEmpty(TimeSpan.Zero).Max();
}
