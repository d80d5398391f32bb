using System.Collections.Immutable;
using System.Runtime.InteropServices;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Guards;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Overrides;

namespace RwAutoscaler.Policies.Engine;

/// <summary>
/// The one code path every scaling decision takes, live, replayed or simulated: policies propose, the
/// proposals combine, guards apply. Pure: the same observation, history, overrides and time give the same
/// decision. Thread-safe: an engine holds only its immutable spec and policy instances.
/// </summary>
public sealed class ScalingEngine
{
    private readonly ComponentPlan[] _plans;

    public ScalingEngine(AutoscalingSpec spec, PolicyRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        registry ??= PolicyRegistry.BuiltIn;
        Spec = spec;
        _plans = spec.Components.Select(c => new ComponentPlan(c, c.Policies.Select(registry.Create).ToArray(), spec.StaleAfter)).ToArray();
        HistoryHorizon = _plans.Select(p => p.Horizon).DefaultIfEmpty(TimeSpan.Zero).Max();
        AsksElsewhere = _plans.Any(p => p.Policies.Any(policy => policy is IAsyncScalingPolicy));
        SignalHorizon = _plans.SelectMany(p => p.Policies).Select(p => p.SignalHorizon).DefaultIfEmpty(TimeSpan.Zero).Max();
    }

    public AutoscalingSpec Spec { get; }

    /// <summary>How much history the engine reads; hosts may drop entries older than this.</summary>
    public TimeSpan HistoryHorizon { get; }

    /// <summary>How far back the policies read signal windows (the predictive policy's two days, say); hosts keep at least this much.</summary>
    public TimeSpan SignalHorizon { get; }

    /// <summary>True when a policy answers from elsewhere (an external service): hosts that can wait without a thread use <see cref="EvaluateAsync"/>.</summary>
    public bool AsksElsewhere { get; }

    public ClusterDecision Evaluate(ClusterObservation observation, ScalingHistory history, ScalingOverrides? overrides = null, DateTimeOffset? now = null) =>
        Evaluate(observation, history, overrides, now, asked: null);

    /// <summary>
    /// The same decision as <see cref="Evaluate(ClusterObservation, ScalingHistory, ScalingOverrides?, DateTimeOffset?)"/>,
    /// with the external policies asked first without blocking a thread.
    /// </summary>
    public async ValueTask<ClusterDecision> EvaluateAsync(
        ClusterObservation observation, ScalingHistory history, ScalingOverrides? overrides = null, DateTimeOffset? now = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(observation);
        if (!AsksElsewhere)
        {
            return Evaluate(observation, history, overrides, now, asked: null);
        }

        var at = now ?? observation.Time;
        var asked = new Proposal[_plans.Length][];
        for (var p = 0; p < _plans.Length; p++)
        {
            var plan = _plans[p];
            asked[p] = new Proposal[plan.Policies.Length];
            if (observation.Find(plan.Spec.Key) is not { } component)
            {
                continue;
            }

            var context = plan.Context(observation.Cluster, component, history, at);
            for (var i = 0; i < plan.Policies.Length; i++)
            {
                if (plan.Policies[i] is IAsyncScalingPolicy external)
                {
                    asked[p][i] = await external.ProposeAsync(context, cancellationToken);
                }
            }
        }

        return Evaluate(observation, history, overrides, now, asked);
    }

    private ClusterDecision Evaluate(ClusterObservation observation, ScalingHistory history, ScalingOverrides? overrides, DateTimeOffset? now, Proposal[][]? asked)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var at = now ?? observation.Time;
        var decisions = new ComponentDecision[_plans.Length];
        var count = 0;
        for (var p = 0; p < _plans.Length; p++)
        {
            var plan = _plans[p];
            if (observation.Find(plan.Spec.Key) is { } component)
            {
                decisions[count++] = Decide(plan, observation.Cluster, component, history, overrides ?? ScalingOverrides.None, at, asked?[p]);
            }
        }

        if (count < decisions.Length)
        {
            Array.Resize(ref decisions, count);
        }

        return new ClusterDecision
        {
            Cluster = observation.Cluster,
            Time = at,
            Components = ImmutableCollectionsMarshal.AsImmutableArray(decisions),
        };
    }

    private static ComponentDecision Decide(
        ComponentPlan plan, string cluster, ComponentObservation component, ScalingHistory history, ScalingOverrides overrides, DateTimeOffset now, Proposal[]? asked)
    {
        var spec = plan.Spec;
        var current = component.TargetReplicas;
        var context = plan.Context(cluster, component, history, now);

        // Every policy proposes; none sees another's proposal. External ones may have been asked already.
        var proposals = new Proposal[plan.Policies.Length];
        for (var i = 0; i < proposals.Length; i++)
        {
            proposals[i] = asked?[i] is { Policy: not null } answer ? answer : plan.Policies[i].Propose(context);
        }

        var combined = Combiner.Combine(proposals, spec.Combine, current);
        var active = OverrideGuard.Resolve(overrides, spec.Kind, now);
        var (min, max) = Bounds(spec, combined, active);
        var trail = new GuardTrail();

        // What the policies want together, after the rules for missing signals and vetoes: this is what the
        // stabilization windows remember, whatever the other guards then do with it.
        var recommended = MetricsGuard.Apply(
            combined.Recommendation, current, combined.AnyOpinion, combined.MetricsMissing, combined.VetoScaleDown, spec.FallbackReplicas, ref trail);
        int desired;
        if (OverrideGuard.Decide(active, current, now, ref trail) is { } manual)
        {
            desired = manual;
        }
        else if (RangeGuard.OutOfRange(current, min, max, ref trail) is { } corrected)
        {
            desired = corrected;
        }
        else
        {
            desired = RescaleGuard.Apply(recommended, current, component.ReadyReplicas, spec.HoldDuringRescale && component.RescaleInProgress, ref trail);
            if (desired != current)
            {
                desired = StabilizationGuard.Apply(desired, current, spec.Key, spec.Behavior, history, now, ref trail);
                desired = CooldownGuard.Apply(desired, current, spec.Cooldown, history.LastAction(spec.Key), now, ref trail);
                desired = RateLimitGuard.Apply(desired, current, spec.Key, spec.Behavior, history, now, ref trail);
            }

            desired = RangeGuard.Clamp(desired, min, max, ref trail);
        }

        return new ComponentDecision
        {
            Component = spec.Key,
            Time = now,
            From = current,
            Recommended = recommended,
            To = desired,
            Proposals = ImmutableCollectionsMarshal.AsImmutableArray(proposals),
            Winner = combined.Winner,
            Guards = trail.ToImmutable(),
            MetricsAvailable = !combined.MetricsMissing,
            ExpiredOverrides = active.Expired,
        };
    }

    // The most specific source of a bound wins: an override, then an active schedule window, then the spec.
    private static (int Min, int Max) Bounds(ComponentSpec spec, in Combiner.Result combined, in OverrideGuard.Active active)
    {
        var (min, minRank) = active.Min is { } omin ? (omin, 2) : combined.MinReplicas is { } smin ? (smin, 1) : (spec.MinReplicas, 0);
        var (max, maxRank) = active.Max is { } omax ? (omax, 2) : combined.MaxReplicas is { } smax ? (smax, 1) : (spec.MaxReplicas, 0);
        if (min > max)
        {
            if (minRank > maxRank)
            {
                max = min;
            }
            else
            {
                min = max;
            }
        }

        return (min, max);
    }

    private sealed class ComponentPlan
    {
        public ComponentPlan(ComponentSpec spec, IScalingPolicy[] policies, TimeSpan staleAfter)
        {
            Spec = spec;
            Policies = policies;
            StaleAfter = staleAfter;
            var horizon = TimeSpan.FromTicks(Math.Max(spec.Behavior.Horizon.Ticks, Math.Max(spec.Cooldown.ScaleUp.Ticks, spec.Cooldown.ScaleDown.Ticks)));
            foreach (var policy in policies)
            {
                horizon = TimeSpan.FromTicks(Math.Max(horizon.Ticks, policy.HistoryHorizon.Ticks));
            }

            Horizon = horizon;
        }

        public ComponentSpec Spec { get; }

        public IScalingPolicy[] Policies { get; }

        public TimeSpan StaleAfter { get; }

        public TimeSpan Horizon { get; }

        public PolicyContext Context(string cluster, ComponentObservation component, ScalingHistory history, DateTimeOffset now) =>
            new(component, now, StaleAfter, history) { Cluster = cluster, MaxReplicas = Spec.MaxReplicas };
    }
}
