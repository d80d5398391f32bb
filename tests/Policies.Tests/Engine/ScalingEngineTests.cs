using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.Engine;

public sealed class ScalingEngineTests
{
    private static ComponentDecision Decide(string combine, int current = 5) =>
        new ScalingEngine(Build.Spec($$"""
            compute:
              maxReplicas: 20
              combine: {{combine}}
              behavior:
                scaleDown: {stabilizationWindowSeconds: 0}
              policies:
                - {type: fixed, replicas: 3, name: low}
                - {type: fixed, replicas: 8, name: high}
                - {type: latency-guard, barrierLatencyP99: 10s, name: guard}
            """)).Evaluate(
                Build.Cluster(Build.Component(ComponentKind.Compute, current, (Signal.BarrierLatencyP99, Build.Constant(1, TimeSpan.FromMinutes(2))))),
                default).Components[0];

    [Theory]
    [InlineData("max", 8, "high")]
    [InlineData("min", 3, "low")]
    [InlineData("priority", 3, "low")]
    public void Proposals_combine_as_configured(string combine, int expected, string winner)
    {
        var decision = Decide(combine);

        Assert.Equal(expected, decision.Recommended);
        Assert.Equal(winner, decision.Proposals[decision.Winner].Policy);
        Assert.Equal(ProposalKind.Abstain, decision.Proposals[2].Kind); // the guard has no opinion: SLO met
    }

    [Fact]
    public void Every_decision_carries_its_trail()
    {
        var decision = Decide("max");

        Assert.Equal(3, decision.Proposals.Length);
        Assert.Equal("fixed at 8", decision.Proposals[1].Explain());
        Assert.Equal("every SLO is met", decision.Proposals[2].Explain());
        Assert.Equal("compute 5 -> 8: high: fixed at 8", decision.Reason);
    }

    [Fact]
    public void Components_the_observation_lacks_are_left_out()
    {
        var engine = new ScalingEngine(Build.Spec("""
            compute: {maxReplicas: 4, policies: [{type: fixed, replicas: 2}]}
            compactor: {maxReplicas: 4, policies: [{type: fixed, replicas: 2}]}
            """));

        var decision = engine.Evaluate(Build.Cluster(Build.Component(ComponentKind.Compactor, 1)), default);

        Assert.Equal(ComponentKind.Compactor, Assert.Single(decision.Components).Component.Kind);
    }

    [Fact]
    public void A_named_node_group_is_matched_by_its_name()
    {
        var engine = new ScalingEngine(Build.Spec("""
            compute: {group: spot, maxReplicas: 4, policies: [{type: fixed, replicas: 2}]}
            """));
        var spot = Build.Component(ComponentKind.Compute, 1) with { Key = new ComponentKey(ComponentKind.Compute, "spot") };

        var decision = engine.Evaluate(Build.Cluster(Build.Component(ComponentKind.Compute, 3), spot), default);

        Assert.Equal("compute/spot", Assert.Single(decision.Components).Component.ToString());
        Assert.Equal(2, decision.Components[0].To);
    }

    [Fact]
    public void The_same_inputs_give_the_same_decision()
    {
        var first = Decide("max");
        var second = Decide("max");

        Assert.Equal(first.Reason, second.Reason);
        Assert.Equal(first.To, second.To);
        Assert.Equal(first.Proposals.ToArray(), second.Proposals.ToArray());
    }

    [Fact]
    public void The_history_horizon_covers_every_window_the_engine_reads()
    {
        var engine = new ScalingEngine(Build.Spec("""
            compute:
              maxReplicas: 4
              cooldown: {scaleDown: 2h}
              policies: [{type: throughput, scaleDownInterval: 30m}]
            """));

        Assert.Equal(TimeSpan.FromHours(2), engine.HistoryHorizon);
        Assert.Equal(TimeSpan.FromMinutes(50), new ScalingEngine(Build.Spec("""
            compute: {maxReplicas: 4, policies: [{type: throughput, scaleDownInterval: 30m}]}
            """)).HistoryHorizon);
        // The guard counts a violation from the last rescale plus its stabilization: 45m + 5m back.
        Assert.Equal(TimeSpan.FromMinutes(50), new ScalingEngine(Build.Spec("""
            compute:
              maxReplicas: 4
              behavior: {scaleDown: {stabilizationWindowSeconds: 0}}
              policies: [{type: latency-guard, barrierLatencyP99: 10s, for: 45m, stabilization: 5m}]
            """)).HistoryHorizon);
    }

    [Theory]
    [InlineData("[{type: utilization, metrics: [{type: Pods, signal: cpuUtilization, averageValue: 0.6}]}]", 0)]
    [InlineData("[{type: throughput, metricsWindow: 20m}]", 20 * 60)]
    [InlineData("[{type: latency-guard, barrierLatencyP99: 10s, for: 3m}]", 3 * 60)]
    [InlineData("[{type: predictive}]", 2 * 24 * 3600)]
    [InlineData("[{type: predictive, seasonLength: 1h}, {type: throughput, metricsWindow: 20m}]", 2 * 3600)]
    public void The_signal_horizon_is_the_longest_window_a_policy_reads(string policies, int seconds)
    {
        var engine = new ScalingEngine(Build.Spec($$"""
            compute: {maxReplicas: 4, policies: {{policies}}}
            """));

        Assert.Equal(TimeSpan.FromSeconds(seconds), engine.SignalHorizon);
    }
}
