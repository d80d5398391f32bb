using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Overrides;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.Guards;

/// <summary>The guards that are ours rather than HPA's: cooldown, rescale in progress, missing metrics, vetoes, overrides, bounds.</summary>
public sealed class GuardTests
{
    private static ScalingEngine Fixed(int replicas, string extra = "", int min = 1, int max = 20) => new(Build.Spec($"""
        compute:
          minReplicas: {min}
          maxReplicas: {max}
          policies:
            - type: fixed
              replicas: {replicas}
        {extra}
        """));

    private static Decisions.ComponentDecision Decide(ScalingEngine engine, ComponentObservation component, History.ScalingHistory history = default, ScalingOverrides? overrides = null) =>
        engine.Evaluate(Build.Cluster(component), history, overrides).Components[0];

    [Fact]
    public void Cooldown_holds_each_direction_for_its_own_period()
    {
        var engine = Fixed(8, """
              cooldown:
                scaleUp: 2m
                scaleDown: 10m
            """);
        var justScaled = Build.History(Build.Action(TimeSpan.FromSeconds(90), 3, 4));

        var held = Decide(engine, Build.Component(ComponentKind.Compute, 4), justScaled);
        Assert.Equal(4, held.To);
        Assert.Equal("cooldown", held.Guards[^1].Guard);

        var later = Build.History(Build.Action(TimeSpan.FromSeconds(121), 3, 4));
        Assert.Equal(8, Decide(engine, Build.Component(ComponentKind.Compute, 4), later).To);
    }

    [Fact]
    public void A_rescale_in_progress_is_not_interrupted()
    {
        var component = Build.Component(ComponentKind.Compute, 6) with { ReadyReplicas = 4, RescaleInProgress = true };

        var decision = Decide(Fixed(9), component);

        Assert.Equal(6, decision.To);
        Assert.Equal(9, decision.Recommended);
        Assert.Contains("rescale is in progress (4 of 6 replicas ready)", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_metrics_never_scale_down()
    {
        var engine = new ScalingEngine(Build.Spec("""
            compute:
              maxReplicas: 20
              policies:
                - type: fixed
                  replicas: 2
                - type: latency-guard
                  barrierLatencyP99: 10s
              combine: min
            """));

        var decision = Decide(engine, Build.Component(ComponentKind.Compute, 6));

        Assert.Equal(6, decision.To);
        Assert.False(decision.MetricsAvailable);
        Assert.Equal("missing-metrics", decision.Guards[0].Guard);
    }

    [Fact]
    public void Fallback_replicas_are_a_floor_when_no_policy_can_see_its_signals()
    {
        var engine = new ScalingEngine(Build.Spec("""
            compute:
              maxReplicas: 20
              fallback:
                replicas: 5
              policies:
                - type: utilization
            """));

        // A floor (issue 14): below it the component is raised to it...
        var raised = Decide(engine, Build.Component(ComponentKind.Compute, 3));
        Assert.Equal(5, raised.To);
        Assert.Equal("fallback", raised.Guards[0].Guard);

        // ...and above it nothing comes down while the signals are missing (KEDA's fallback would go down to 5).
        Assert.Equal(8, Decide(engine, Build.Component(ComponentKind.Compute, 8)).To);
    }

    [Fact]
    public void Without_fallback_missing_metrics_hold()
    {
        var engine = new ScalingEngine(Build.Spec("""
            compute:
              maxReplicas: 20
              policies:
                - type: utilization
            """));

        var decision = Decide(engine, Build.Component(ComponentKind.Compute, 8));

        Assert.Equal(8, decision.To);
        Assert.Contains("no policy has an opinion", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_violated_slo_vetoes_scale_down()
    {
        var engine = new ScalingEngine(Build.Spec("""
            compute:
              maxReplicas: 20
              policies:
                - type: fixed
                  replicas: 2
                - type: latency-guard
                  barrierLatencyP99: 10s
                  for: 5m
            """));
        var component = Build.Component(ComponentKind.Compute, 6, (Signal.BarrierLatencyP99, Build.Constant(30, TimeSpan.FromMinutes(1))));

        var decision = Decide(engine, component);

        Assert.Equal(6, decision.To);
        Assert.Equal("veto", decision.Guards[0].Guard);
    }

    [Fact]
    public void Pause_keeps_every_component_where_it_is()
    {
        var overrides = new ScalingOverrides { Pause = new PauseOverride(Build.Now + TimeSpan.FromMinutes(30)) };

        var decision = Decide(Fixed(12), Build.Component(ComponentKind.Compute, 3), overrides: overrides);

        Assert.Equal(3, decision.To);
        Assert.Equal("compute stays at 3: paused by an override for 1800s more (fixed wanted 12)", decision.Reason);
    }

    [Fact]
    public void An_expired_pause_is_reported_and_scaling_resumes()
    {
        var overrides = new ScalingOverrides { Pause = new PauseOverride(Build.Now - TimeSpan.FromSeconds(1)) };

        var decision = Decide(Fixed(12), Build.Component(ComponentKind.Compute, 3), overrides: overrides);

        Assert.Equal(7, decision.To); // default scale-up limit: max(3 + 4, 2 * 3)
        Assert.Single(decision.ExpiredOverrides);
        Assert.Equal("pause (expired 2026-11-21T09:59:59Z)", decision.ExpiredOverrides[0]); // as the annotation writes times
    }

    [Fact]
    public void A_pin_sets_the_count_exactly_even_outside_the_bounds()
    {
        var overrides = new ScalingOverrides { Pins = [new PinOverride(ComponentKind.Compute, 30, null)] };

        var decision = Decide(Fixed(2), Build.Component(ComponentKind.Compute, 3), overrides: overrides);

        Assert.Equal(30, decision.To);
        Assert.Equal("pin", decision.Guards[0].Guard);
    }

    [Fact]
    public void A_hold_keeps_its_component_where_it_is_even_against_a_pin()
    {
        var overrides = new ScalingOverrides
        {
            Holds = [new HoldOverride(ComponentKind.Compute, "rwautoscaler.dev/paused: expected exactly 'true'")],
            Pins = [new PinOverride(ComponentKind.Compute, 30, null)],
        };

        var held = Decide(Fixed(12), Build.Component(ComponentKind.Compute, 3), overrides: overrides);
        Assert.Equal(3, held.To);
        Assert.Equal("hold", held.Guards[0].Guard);
        Assert.Equal("compute stays at 3: held: an override could not be read (fixed wanted 12)", held.Reason);
    }

    [Fact]
    public void A_pin_of_another_component_does_not_apply()
    {
        var overrides = new ScalingOverrides { Pins = [new PinOverride(ComponentKind.Compactor, 9, null)] };

        Assert.Equal(2, Decide(Fixed(2), Build.Component(ComponentKind.Compute, 2), overrides: overrides).To);
    }

    [Fact]
    public void Temporary_bounds_replace_the_configured_ones_until_they_expire()
    {
        var overrides = new ScalingOverrides { Bounds = [new BoundsOverride(ComponentKind.Compute, 10, null, Build.Now + TimeSpan.FromHours(1))] };

        var raised = Decide(Fixed(2), Build.Component(ComponentKind.Compute, 10), overrides: overrides);
        Assert.Equal(10, raised.To);

        var expired = new ScalingOverrides { Bounds = [new BoundsOverride(ComponentKind.Compute, 10, null, Build.Now)] };
        var released = Decide(Fixed(2), Build.Component(ComponentKind.Compute, 10), overrides: expired);
        Assert.Equal(2, released.To); // no recommendation recorded in the stabilization window: as HPA, down at once
        Assert.Single(released.ExpiredOverrides);
    }

    [Fact]
    public void A_temporary_min_above_the_configured_max_wins()
    {
        var overrides = new ScalingOverrides { Bounds = [new BoundsOverride(ComponentKind.Compute, 25, null, null)] };

        var decision = Decide(Fixed(2, max: 20), Build.Component(ComponentKind.Compute, 20), overrides: overrides);

        Assert.Equal(25, decision.To);
    }

    [Theory]
    [InlineData(25, 20, "is above maxReplicas")]
    [InlineData(1, 2, "is below minReplicas")]
    public void A_count_outside_the_bounds_moves_inside_at_once(int current, int expected, string reason)
    {
        var decision = Decide(Fixed(10, min: 2, max: 20), Build.Component(ComponentKind.Compute, current));

        Assert.Equal(expected, decision.To);
        Assert.Contains(reason, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_component_scaled_to_zero_by_hand_is_left_alone()
    {
        // HPA "Implicit maintenance-mode deactivation".
        var decision = Decide(Fixed(10), Build.Component(ComponentKind.Compute, 0));

        Assert.Equal(0, decision.To);
        Assert.Equal("scaling-disabled", decision.Guards[0].Guard);
    }

    [Fact]
    public void The_result_is_clamped_to_the_bounds()
    {
        var decision = Decide(Fixed(50, max: 9), Build.Component(ComponentKind.Compute, 8));

        Assert.Equal(9, decision.To);
        Assert.Contains("capped at maxReplicas 9", decision.Reason, StringComparison.Ordinal);
    }
}
