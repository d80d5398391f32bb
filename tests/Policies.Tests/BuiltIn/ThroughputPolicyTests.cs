using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.BuiltIn;

/// <summary>
/// The throughput policy against the Flink autoscaler's rules (flink-autoscaler JobVertexScaler,
/// ScalingMetricEvaluator, AutoScalerUtils.getTargetProcessingCapacity) with Flink's defaults unless a case says.
/// </summary>
public sealed class ThroughputPolicyTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>A compute component with steady rates over the whole 15-minute window.</summary>
    private static ComponentObservation Load(int replicas, double processed, double busy, double? ingest = null, double lag = 0, double? lagSeconds = null)
    {
        var signals = new List<(Signal, Sample[])>
        {
            (Signal.ProcessedRate, Build.Constant(processed, Window)),
            (Signal.BusyRatio, Build.Constant(busy, Window)),
            (Signal.SourceLagMessages, Build.Constant(lag, Window)),
        };
        if (ingest is { } rate)
        {
            signals.Add((Signal.IngestRate, Build.Constant(rate, Window)));
        }

        if (lagSeconds is { } seconds)
        {
            signals.Add((Signal.SourceLagSeconds, Build.Constant(seconds, Window)));
        }

        return Build.Component(ComponentKind.Compute, replicas, [.. signals]);
    }

    private static Proposal Propose(string extra, ComponentObservation component, ScalingHistory history = default, DateTimeOffset? now = null) =>
        Build.Policy("type: throughput\n" + extra).Propose(Build.Context(component, history, now));

    // Each row: replicas, processed rate, busy ratio, ingest rate, lag (messages), expected proposal, why.
    public static TheoryData<int, double, double, double, double, int, string> Cases => new()
    {
        // TPR = 100k / 0.7 = 142,857/s; band [100k/1.0, 16,667 + 100k/0.4 = 266,667]: inside, no change.
        { 4, 100_000, 0.7, 100_000, 0, 4, "within the band" },
        // Saturated: TPR 100k < 150k. Target = 150k * 300 / 1800 + 150k / 0.7 = 239,286 -> factor 2.393 -> ceil(9.57).
        { 4, 100_000, 1.0, 150_000, 0, 10, "scale up to the target utilization with the restart term" },
        // A backlog of 5.4M messages must be gone in 30 min: +3,000/s. Target 242,286 / 100k * 4 = 9.69 -> 10.
        { 4, 100_000, 1.0, 150_000, 5_400_000, 10, "backlog catch-up within catch-up.duration" },
        // Bigger backlog: 36M / 1800 s = +20,000/s -> 259,286 / 100k * 4 = 10.37 -> 11.
        { 4, 100_000, 1.0, 150_000, 36_000_000, 11, "a larger backlog asks for more" },
        // Idle: TPR is infinite, the factor clamps to 1 - 0.6: ceil(0.4 * 10) = 4, after the scale-down interval.
        { 10, 0, 0, 0, 0, 10, "scale-down waits for scale-down.interval" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Proposes_what_the_flink_model_computes(int replicas, double processed, double busy, double ingest, double lag, int expected, string why)
    {
        var proposal = Propose("", Load(replicas, processed, busy, ingest, lag));

        Assert.True(expected == proposal.Replicas, $"{why}: expected {expected}, got {proposal.Replicas} ({proposal.Explain()})");
    }

    [Fact]
    public void Target_capacity_adds_catch_up_restart_and_utilization_terms()
    {
        var proposal = Propose("", Load(4, 100_000, 1.0, 150_000, 5_400_000));

        // catch-up 5.4M / 1800 = 3,000; restart 150k * 300 / 1800 = 25,000; steady 150k / 0.7 = 214,286.
        Assert.Equal(242_286, proposal.Numbers[3]);
        Assert.Equal(100_000, proposal.Numbers[0]);
        Assert.Equal(150_000, proposal.Numbers[1]);
    }

    [Fact]
    public void Without_an_ingest_signal_the_target_rate_is_processed_rate_plus_lag_growth()
    {
        // Lag grows 1,500 messages per 15 s step: +100/s on top of the 100k/s processed.
        var component = Build.Component(
            ComponentKind.Compute, 4,
            (Signal.ProcessedRate, Build.Constant(100_000, Window)),
            (Signal.BusyRatio, Build.Constant(1.0, Window)),
            (Signal.SourceLagMessages, Build.Series(61, i => i * 1500.0)));

        var proposal = Propose("catchUpDuration: 0", component);

        Assert.Equal(100_100, proposal.Numbers[1], 6);
    }

    [Fact]
    public void Never_scales_down_while_catching_up_a_backlog()
    {
        // Over-provisioned (TPR 400k for 100k), but 10 minutes of lag is over the 5-minute backlog threshold.
        var component = Load(10, 100_000, 0.25, 100_000, 60_000_000, lagSeconds: 600);

        var proposal = Propose("scaleDownInterval: 0s", component);

        Assert.Equal(10, proposal.Replicas);
        Assert.Contains("is within", proposal.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Scale_down_is_limited_by_the_max_factor()
    {
        var proposal = Propose("scaleDownInterval: 0s", Load(10, 0, 0, 0));

        Assert.Equal(4, proposal.Replicas); // ceil((1 - 0.6) * 10)
    }

    [Fact]
    public void Delayed_scale_down_waits_the_interval_then_takes_the_largest_wish()
    {
        var policy = Build.Policy("type: throughput\nscaleDownInterval: 10m\nmetricsWindow: 1m\nstabilization: 0s");
        Proposal last = default;
        // Every minute for 10 minutes the cluster is over-provisioned: at busy 0.1 it would go to the floor of
        // 4 (max factor 0.6); at minute 4, at busy 0.3, to ceil(159,524 / 333,333 * 10) = 5.
        foreach (var (minute, proposal) in EveryMinute(policy, 10, minute => minute == 4 ? 0.3 : 0.1))
        {
            last = proposal;
            if (minute < 10)
            {
                Assert.Equal(10, last.Replicas);
                Assert.Equal(Build.Now, last.PendingSince);
            }
        }

        // After ten minutes it executes, with the largest count wished for meanwhile.
        Assert.Equal(5, last.Replicas);
        Assert.Equal(5, last.PendingReplicas);
    }

    [Theory]
    [InlineData(0.1, 4)]    // wishes 4 of 10 (the 0.6 max factor), under half: released after 5 minutes
    [InlineData(0.45, 10)]  // wishes ceil(159,524 / 222,222 * 10) = 8, over half: still waits the hour
    public void A_scale_down_far_below_the_current_count_is_released_after_the_release_interval(double busy, int afterFiveMinutes)
    {
        var policy = Build.Policy("type: throughput\nscaleDownInterval: 1h\nreleaseBelow: 0.5\nreleaseInterval: 5m\nmetricsWindow: 1m\nstabilization: 0s");

        var last = EveryMinute(policy, 5, _ => busy).Last().Proposal;

        Assert.Equal(afterFiveMinutes, last.Replicas);
    }

    [Theory]
    [InlineData(true, 10, "no scale-down")]  // the peak needs 13: hold
    [InlineData(false, 5, "-> 5")]           // no peak window: ceil(159,524 / 333,333 * 10) = 5
    public void A_scale_down_keeps_what_the_peak_of_the_peak_window_needs(bool peakWindow, int replicas, string explained)
    {
        // 10 replicas at busy 0.3 process 100k/s (a true rate of 333k/s); ingest is 100k/s now and was 300k/s for a
        // minute 20 to 21 minutes ago, which needs 300k / 0.7 = 428,571/s: ceil(428,571 / 333,333 * 10) = 13 > 10.
        var spec = peakWindow ? "\npeakWindow: 30m" : "";
        var policy = Build.Policy("type: throughput\nscaleDownInterval: 0s\nmetricsWindow: 1m\nstabilization: 0s" + spec);
        var ingest = Build.Series(160, i => i is >= 76 and < 80 ? 300_000 : 100_000);
        var component = Build.Component(
            ComponentKind.Compute, 10,
            (Signal.ProcessedRate, Build.Constant(100_000, TimeSpan.FromMinutes(2))),
            (Signal.BusyRatio, Build.Constant(0.3, TimeSpan.FromMinutes(2))),
            (Signal.IngestRate, ingest));

        var proposal = policy.Propose(Build.Context(component));

        Assert.Equal(replicas, proposal.Replicas);
        Assert.Contains(explained, proposal.Explain(), StringComparison.Ordinal);
    }

    // 10 replicas at busy 0.1 process 100k/s (a true rate of 1M/s); ingest is 100k/s now, which needs
    // ceil(159,524 / 1M x 10) = 2, under the 0.6 max factor's 4. Each row: extra fields, the ingest rate at sample i
    // of 160 (15 s apart, i = 159 is now; the 30-minute peak window is i >= 40), the source lag in seconds, expected
    // replicas, why.
    public static TheoryData<string, Func<int, double>, double, int, string> Bursts => new()
    {
        // Peak 600k/s = 6x now for a minute; the window's mean is 116,667/s, under 0.3 x 600k: released to the need.
        { "burstRatio: 5", i => i is >= 76 and < 80 ? 600_000 : 100_000, 0, 2, "a burst has drained" },
        // The same burst without burstRatio: the peak needs ceil(857,143 / 1M x 10) = 9 and waits the hour.
        { "", i => i is >= 76 and < 80 ? 600_000 : 100_000, 0, 10, "waits" },
        // The same burst with 10 minutes of lag left (over the 5-minute backlog threshold): not drained yet.
        { "burstRatio: 5", i => i is >= 76 and < 80 ? 600_000 : 100_000, 600, 10, "within" },
        // A plateau of 15 minutes lifts the window's mean to 350,000/s, over 0.3 x 600k: not a burst.
        { "burstRatio: 5", i => i is >= 80 and < 140 ? 600_000 : 100_000, 0, 10, "waits" },
        // The same plateau is a burst when the mean may be as high as 0.6 of the peak.
        { "burstRatio: 5\nburstMeanShare: 0.6", i => i is >= 80 and < 140 ? 600_000 : 100_000, 0, 2, "a burst has drained" },
        // A peak of 4x the rate now is not a burst at a ratio of 5.
        { "burstRatio: 5", i => i is >= 76 and < 80 ? 400_000 : 100_000, 0, 10, "waits" },
        // A peak older than the peak window is not seen: the 0.6 max factor's 4 waits the hour.
        { "burstRatio: 5", i => i is >= 20 and < 24 ? 600_000 : 100_000, 0, 10, "scale-down to 4 waits" },
    };

    [Theory]
    [MemberData(nameof(Bursts))]
    public void A_drained_burst_is_released_to_the_need_at_once(string extra, Func<int, double> ingestAt, double lagSeconds, int expected, string explained)
    {
        var policy = Build.Policy("type: throughput\nscaleDownInterval: 1h\nreleaseInterval: 0s\npeakWindow: 30m\nmetricsWindow: 1m\nstabilization: 0s\n" + extra);
        var component = Build.Component(
            ComponentKind.Compute, 10,
            (Signal.ProcessedRate, Build.Constant(100_000, TimeSpan.FromMinutes(2))),
            (Signal.BusyRatio, Build.Constant(0.1, TimeSpan.FromMinutes(2))),
            (Signal.SourceLagSeconds, Build.Constant(lagSeconds, TimeSpan.FromMinutes(2))),
            (Signal.IngestRate, Build.Series(160, ingestAt)));

        var proposal = policy.Propose(Build.Context(component));

        Assert.Equal(expected, proposal.Replicas);
        Assert.Contains(explained, proposal.Explain(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("burstRatio: 0.5\npeakWindow: 1h", "burstRatio: must be 0 (off) or above 1")]
    [InlineData("burstRatio: 5\npeakWindow: 1h\nburstMeanShare: 0", "burstMeanShare: must be in (0, 1], got 0")]
    public void Bad_burst_fields_are_named(string extra, string expected)
    {
        var error = Assert.Throws<SpecException>(() => Build.Policy("type: throughput\n" + extra));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The policy's proposal every minute from <see cref="Build.Now"/> to <paramref name="minutes"/> on 10 replicas that
    /// process the 100k/s arriving at <paramref name="busy"/>(minute), each proposal kept in the history the next one reads.
    /// </summary>
    private static IEnumerable<(int Minute, Proposal Proposal)> EveryMinute(IScalingPolicy policy, int minutes, Func<int, double> busy)
    {
        var history = new List<HistoryEntry>();
        for (var minute = 0; minute <= minutes; minute++)
        {
            var now = Build.Now + TimeSpan.FromMinutes(minute);
            var component = Build.Component(
                ComponentKind.Compute, 10,
                (Signal.ProcessedRate, Build.Constant(100_000, TimeSpan.FromMinutes(2), now)),
                (Signal.BusyRatio, Build.Constant(busy(minute), TimeSpan.FromMinutes(2), now)),
                (Signal.IngestRate, Build.Constant(100_000, TimeSpan.FromMinutes(2), now)));
            var proposal = policy.Propose(new PolicyContext(component, now, TimeSpan.FromMinutes(2), new ScalingHistory(history.ToArray())));
            history.Add(new HistoryEntry { Time = now, Component = ComponentKey.Compute, From = 10, To = 10, Recommended = proposal.Replicas, Proposals = [proposal] });
            yield return (minute, proposal);
        }
    }

    [Fact]
    public void A_scale_up_wish_clears_a_pending_scale_down()
    {
        var policy = Build.Policy("type: throughput\nscaleDownInterval: 10m");
        var pending = policy.Propose(Build.Context(Load(10, 100_000, 0.1, 100_000), default, Build.Now - TimeSpan.FromMinutes(1)));
        Assert.NotNull(pending.PendingSince);

        var history = Build.History(new HistoryEntry
        {
            Time = Build.Now - TimeSpan.FromMinutes(1), Component = ComponentKey.Compute, From = 10, To = 10, Recommended = 10, Proposals = [pending],
        });
        var up = policy.Propose(Build.Context(Load(10, 100_000, 1.0, 200_000), history));

        Assert.Null(up.PendingSince);
        Assert.True(up.Replicas > 10);
    }

    [Fact]
    public void Waits_for_a_full_window_after_a_rescale()
    {
        var history = Build.History(Build.Action(TimeSpan.FromMinutes(8), 4, 6));

        var proposal = Propose("", Load(6, 100_000, 1.0, 200_000), history);

        Assert.Equal(ProposalKind.Abstain, proposal.Kind);
        Assert.Contains("collecting metrics", proposal.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_busy_time_abstains_and_flags_the_signal()
    {
        var component = Build.Component(ComponentKind.Compute, 4, (Signal.ProcessedRate, Build.Constant(1000, Window)));

        var proposal = Propose("", component);

        Assert.Equal(ProposalKind.Abstain, proposal.Kind);
        Assert.True(proposal.MetricsMissing);
        Assert.Equal(Signal.BusyRatio, proposal.Signal);
    }

    [Fact]
    public void Ineffective_scale_up_is_reported_and_blocked_when_detection_is_on()
    {
        // The last scale-up went 4 -> 8 at a TPR of 100k; expected 200k, got 105k: 5% of the expected gain.
        var before = Propose("", Load(4, 100_000, 1.0, 150_000));
        var action = Build.Action(TimeSpan.FromMinutes(30), 4, 8) with { Proposals = [before] };
        var now = Load(8, 105_000, 1.0, 150_000);

        var reported = Propose("", now, Build.History(action));
        Assert.True(reported.Replicas > 8);
        Assert.Contains("only 5% of the expected gain", reported.Explain(), StringComparison.Ordinal);

        var blocked = Propose("blockIneffectiveScaleUp: true", now, Build.History(action));
        Assert.Equal(8, blocked.Replicas);
        Assert.Contains("blocked", blocked.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_effective_scale_up_is_not_flagged()
    {
        var before = Propose("", Load(4, 100_000, 1.0, 300_000));
        var action = Build.Action(TimeSpan.FromMinutes(30), 4, 8) with { Proposals = [before] };

        var proposal = Propose("blockIneffectiveScaleUp: true", Load(8, 190_000, 1.0, 300_000), Build.History(action));

        Assert.True(proposal.Replicas > 8, proposal.Explain());
    }

    [Fact]
    public void Applies_to_compute_only()
    {
        var error = Assert.Throws<Policies.Configuration.SpecException>(() => Build.Spec("""
            compactor:
              maxReplicas: 4
              policies:
                - type: throughput
            """));

        Assert.Contains("compactor.policies[0].type: throughput sizes the dataflow: it applies to compute only", error.Message, StringComparison.Ordinal);
    }
}
