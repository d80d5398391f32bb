using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.BuiltIn;

public sealed class LatencyGuardPolicyTests
{
    private const string Policy = """
        type: latency-guard
        barrierLatencyP99: 10s
        sourceLagSeconds: 60s
        for: 1m
        stabilization: 2m
        step:
          type: Pods
          value: 2
        """;

    // Each row: barrier latency over the last 5 minutes (per 15 s sample, oldest first, last value repeats), the
    // expected kind, replicas and veto, and why.
    public static TheoryData<double[], ProposalKind, int, bool, string> Cases => new()
    {
        { [1.2], ProposalKind.Abstain, 0, false, "every SLO is met" },
        { [1.2, 12], ProposalKind.Abstain, 0, true, "violated now, but not for a minute yet: only veto" },
        { [1.2, 12, 12, 12, 12, 12], ProposalKind.Replicas, 6, true, "violated for 75 s: step up by 2" },
        { [12, 12, 12, 3, 12, 12], ProposalKind.Abstain, 0, true, "the violation restarted 30 s ago" },
        { [10], ProposalKind.Abstain, 0, false, "at the target is not over it" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Steps_up_after_a_sustained_violation_and_vetoes_while_violated(double[] latencies, ProposalKind kind, int replicas, bool veto, string why)
    {
        var series = Build.Series(21, i => latencies[Math.Min(i - (21 - latencies.Length), latencies.Length - 1) < 0 ? 0 : i - (21 - latencies.Length)]);
        var component = Build.Component(
            ComponentKind.Compute, 4,
            (Signal.BarrierLatencyP99, series),
            (Signal.SourceLagSeconds, Build.Constant(5, TimeSpan.FromMinutes(5))));

        var proposal = Build.Policy(Policy).Propose(Build.Context(component));

        Assert.True(kind == proposal.Kind, why);
        Assert.True(veto == proposal.VetoScaleDown, why);
        if (kind == ProposalKind.Replicas)
        {
            Assert.Equal(replicas, proposal.Replicas);
        }
    }

    [Fact]
    public void Counts_violations_only_from_the_stabilization_after_the_last_rescale()
    {
        var component = Build.Component(
            ComponentKind.Compute, 6,
            (Signal.BarrierLatencyP99, Build.Constant(30, TimeSpan.FromMinutes(10))),
            (Signal.SourceLagSeconds, Build.Constant(5, TimeSpan.FromMinutes(10))));
        var history = Build.History(Build.Action(TimeSpan.FromSeconds(150), 4, 6));

        var proposal = Build.Policy(Policy).Propose(Build.Context(component, history));

        // The rescale was 150 s ago, plus 120 s of stabilization: only 30 s of violation count.
        Assert.Equal(ProposalKind.Abstain, proposal.Kind);
        Assert.True(proposal.VetoScaleDown);
        Assert.Equal(30, proposal.Numbers[2], 3);
    }

    [Fact]
    public void A_violation_that_is_falling_back_within_the_slo_is_not_stepped_again()
    {
        // Over 10 s for three minutes, but falling 4 s a minute, now at 14 s: in another minute it is at 10 s.
        var falling = Build.Series(13, i => 26.0 - i);
        var component = Build.Component(
            ComponentKind.Compute, 4,
            (Signal.BarrierLatencyP99, falling),
            (Signal.SourceLagSeconds, Build.Constant(5, TimeSpan.FromMinutes(3))));

        var proposal = Build.Policy(Policy).Propose(Build.Context(component));

        Assert.Equal(ProposalKind.Abstain, proposal.Kind);
        Assert.True(proposal.VetoScaleDown);
        Assert.Equal(10, proposal.Numbers[5], 3);
        Assert.Contains("but falling: 10 s expected in 60s", proposal.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_violation_falling_too_slowly_still_steps_up()
    {
        var slowly = Build.Series(13, i => 30 - (i * 0.1));
        var component = Build.Component(
            ComponentKind.Compute, 4,
            (Signal.BarrierLatencyP99, slowly),
            (Signal.SourceLagSeconds, Build.Constant(5, TimeSpan.FromMinutes(3))));

        var proposal = Build.Policy(Policy).Propose(Build.Context(component));

        Assert.Equal(6, proposal.Replicas);
    }

    [Fact]
    public void The_worst_violated_slo_is_reported()
    {
        var component = Build.Component(
            ComponentKind.Compute, 4,
            (Signal.BarrierLatencyP99, Build.Constant(2, TimeSpan.FromMinutes(5))),
            (Signal.SourceLagSeconds, Build.Constant(300, TimeSpan.FromMinutes(5))));

        var proposal = Build.Policy(Policy).Propose(Build.Context(component));

        Assert.Equal(6, proposal.Replicas);
        Assert.StartsWith("sourceLagSeconds 300 s has been over its SLO of 60 s", proposal.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_slo_signal_is_flagged_so_the_engine_holds_scale_down()
    {
        var component = Build.Component(ComponentKind.Compute, 4, (Signal.BarrierLatencyP99, Build.Constant(2, TimeSpan.FromMinutes(5))));

        var proposal = Build.Policy(Policy).Propose(Build.Context(component));

        Assert.Equal(ProposalKind.Abstain, proposal.Kind);
        Assert.True(proposal.MetricsMissing);
        Assert.Equal(Signal.SourceLagSeconds, proposal.Signal);
    }

    [Fact]
    public void The_default_step_is_half_again_and_at_least_one_pod()
    {
        var policy = Build.Policy("type: latency-guard\nbarrierLatencyP99: 1s\nfor: 0s");
        var at = (int replicas) => policy.Propose(Build.Context(Build.Component(
            ComponentKind.Compute, replicas, (Signal.BarrierLatencyP99, Build.Constant(5, TimeSpan.FromMinutes(1)))))).Replicas;

        Assert.Equal(2, at(1));
        Assert.Equal(6, at(4));
        Assert.Equal(15, at(10));
    }

    // The histogram's last finite bucket is 221.7 s on RisingWave v3.0: an SLO of 5 minutes above it can never be read.
    [Theory]
    [InlineData(4, false, ProposalKind.Abstain, "capped for less than 75 s: counted as over the SLO, veto only")]
    [InlineData(6, true, ProposalKind.Replicas, "capped for 75 s or more: stepped up although 221.7 < 300")]
    public void A_p99_beyond_the_last_bucket_is_a_violation_whatever_the_slo(int cappedSamples, bool steps, ProposalKind kind, string why)
    {
        var policy = Build.Policy("type: latency-guard\nbarrierLatencyP99: 5m\nfor: 75s\nstep: {type: Pods, value: 2}");
        var component = Build.Component(
            ComponentKind.Compute, 4,
            (Signal.BarrierLatencyP99, Build.Series(21, i => i >= 21 - cappedSamples ? 221.7 : 180)),
            (Signal.BarrierLatencyP99Capped, Build.Series(21, i => i >= 21 - cappedSamples ? 1 : 0)));

        var proposal = policy.Propose(Build.Context(component));

        Assert.True(kind == proposal.Kind, why);
        Assert.True(proposal.VetoScaleDown, why);
        Assert.Equal(steps ? 6 : 0, proposal.Replicas);
        Assert.StartsWith("barrierLatencyP99 is at least 221.7 s (beyond the histogram's last bucket), counted as over its SLO of 300 s", proposal.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_flag_the_p99_is_read_as_a_number()
    {
        // The simulator's model and recordings made before the flag existed: 221.7 s is within an SLO of 5 minutes.
        var policy = Build.Policy("type: latency-guard\nbarrierLatencyP99: 5m");
        var component = Build.Component(ComponentKind.Compute, 4, (Signal.BarrierLatencyP99, Build.Constant(221.7, TimeSpan.FromMinutes(5))));

        var proposal = policy.Propose(Build.Context(component));

        Assert.Equal(ProposalKind.Abstain, proposal.Kind);
        Assert.False(proposal.VetoScaleDown);
        Assert.Equal("every SLO is met", proposal.Explain());
    }

    [Fact]
    public void Needs_at_least_one_slo()
    {
        var error = Assert.Throws<Policies.Configuration.SpecException>(() => Build.Policy("type: latency-guard"));

        Assert.Contains("must set at least one SLO: barrierLatencyP99, sourceLagSeconds or sourceLagMessages", error.Message, StringComparison.Ordinal);
    }
}
