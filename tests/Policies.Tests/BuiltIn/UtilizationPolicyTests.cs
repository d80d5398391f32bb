using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.BuiltIn;

/// <summary>
/// The utilization policy against HPA: every worked example of the HPA documentation
/// (kubernetes/website content/en/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale.md) and the
/// cases of kubernetes pkg/controller/podautoscaler/replica_calculator_test.go, ported one by one.
/// </summary>
public sealed class UtilizationPolicyTests
{
    private static readonly DateTimeOffset Now = Build.Now;

    /// <summary>A pod as the upstream test builds it: "cool" (started long ago) unless hot.</summary>
    private sealed record P(double? Level, bool Ready = true, PodPhase Phase = PodPhase.Running, bool Deleting = false, bool Hot = false);

    /// <summary>One upstream case. Levels are per-pod values; a pod with a null level has no metric.</summary>
    private sealed record Case(string Source, int Current, int Expected, double Target, P[] Pods, Signal Signal = Signal.CpuUtilization);

    private static P[] Running(params double[] levels) => levels.Select(l => new P(l)).ToArray();

    // CPU levels are utilizations (upstream: milli-cores used per 1-core request, /1000); targets likewise.
    private static readonly Dictionary<string, Case> PodsCases = new()
    {
        // HPA docs, "Algorithm details": 200m against 100m doubles, 50m against 100m halves.
        ["docs: 200m vs 100m doubles"] = new("Pods", 3, 6, 0.1, Running(0.2, 0.2, 0.2)),
        ["docs: 50m vs 100m halves"] = new("Pods", 4, 2, 0.1, Running(0.05, 0.05, 0.05, 0.05)),
        ["docs: within the 0.1 tolerance nothing changes"] = new("Pods", 4, 4, 0.1, Running(0.105, 0.105, 0.105, 0.105)),
        ["TestReplicaCalcScaleUp"] = new("Pods", 3, 5, 0.3, Running(0.3, 0.5, 0.7)),
        ["TestReplicaCalcScaleUpUnreadyLessScale"] = new("Pods", 3, 4, 0.3, [new(0.3, Ready: false), new(0.5), new(0.7)]),
        ["TestReplicaCalcScaleUpHotCpuLessScale"] = new("Pods", 3, 4, 0.3, [new(0.3, Hot: true), new(0.5), new(0.7)]),
        ["TestReplicaCalcScaleUpUnreadyNoScale"] = new("Pods", 3, 3, 0.3, [new(0.4), new(0.5, Ready: false), new(0.7, Ready: false)]),
        ["TestReplicaCalcScaleHotCpuNoScale"] = new("Pods", 3, 3, 0.3, [new(0.4), new(0.5, Ready: false, Hot: true), new(0.7, Ready: false, Hot: true)]),
        ["TestReplicaCalcScaleUpIgnoresFailedPods"] = new("Pods", 2, 4, 0.3, [new(0.5), new(0.7), new(null, false, PodPhase.Failed), new(null, false, PodPhase.Failed)]),
        ["TestReplicaCalcScaleUpIgnoresDeletionPods"] = new("Pods", 2, 4, 0.3, [new(0.5), new(0.7), new(null, false, Deleting: true), new(null, false, Deleting: true)]),
        ["TestReplicaCalcScaleUpCM"] = new("Pods", 3, 4, 15000, Running(20000, 10000, 30000), Signal.ProcessedRate),
        ["TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale"] = new("Pods", 3, 6, 15000, [new(50000), new(10000), new(30000, Ready: false, Hot: true)], Signal.ProcessedRate),
        ["TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown"] = new("Pods", 3, 7, 15000, [new(50000, Ready: false, Hot: true), new(15000), new(30000, Ready: false, Hot: true)], Signal.ProcessedRate),
        ["TestReplicaCalcScaleUpCMExternal (pod metric)"] = new("Pods", 1, 2, 4400, Running(8600), Signal.ProcessedRate),
        ["TestReplicaCalcScaleDown"] = new("Pods", 5, 3, 0.5, Running(0.1, 0.3, 0.5, 0.25, 0.25)),
        ["TestReplicaCalcScaleDownCM"] = new("Pods", 5, 3, 20000, Running(12000, 12000, 12000, 12000, 12000), Signal.ProcessedRate),
        ["TestReplicaCalcScaleDownIncludeUnreadyPods"] = new("Pods", 5, 2, 0.5, [new(0.1), new(0.3), new(0.5), new(0.25, Ready: false), new(0.25, Ready: false)]),
        ["TestReplicaCalcScaleDownExcludeUnscheduledPods"] = new("Pods", 5, 1, 0.5, [new(0.1), new(null, false, PodPhase.Pending), new(null, false, PodPhase.Pending), new(null, false, PodPhase.Pending), new(null, false, PodPhase.Pending)]),
        ["TestReplicaCalcScaleDownIgnoreHotCpuPods"] = new("Pods", 5, 2, 0.5, [new(0.1), new(0.3), new(0.5), new(0.25, Hot: true), new(0.25, Hot: true)]),
        ["TestReplicaCalcScaleDownIgnoresFailedPods"] = new("Pods", 5, 3, 0.5, [.. Running(0.1, 0.3, 0.5, 0.25, 0.25), new(null, false, PodPhase.Failed), new(null, false, PodPhase.Failed)]),
        ["TestReplicaCalcScaleDownIgnoresDeletionPods"] = new("Pods", 5, 3, 0.5, [.. Running(0.1, 0.3, 0.5, 0.25, 0.25), new(null, false, Deleting: true), new(null, false, Deleting: true)]),
        ["TestReplicaCalcTolerance"] = new("Pods", 3, 3, 1.0, Running(1.010 / 0.9, 1.030 / 1.0, 1.020 / 1.1)),
        ["TestReplicaCalcToleranceCM"] = new("Pods", 3, 3, 20000, Running(20000, 21000, 21000), Signal.ProcessedRate),
        ["TestReplicaCalcMissingMetrics"] = new("Pods", 4, 3, 1.0, [new(0.4), new(0.095), new(null), new(null)]),
        ["TestReplicaCalcMissingMetricsNoChangeEq"] = new("Pods", 2, 2, 1.0, [new(1.0), new(null)]),
        ["TestReplicaCalcMissingMetricsNoChangeGt"] = new("Pods", 2, 2, 1.0, [new(1.9), new(null)]),
        ["TestReplicaCalcMissingMetricsNoChangeLt"] = new("Pods", 2, 2, 1.0, [new(0.6), new(null)]),
        ["TestReplicaCalcMissingMetricsUnreadyChange"] = new("Pods", 3, 3, 0.5, [new(0.1, Ready: false), new(0.45), new(null)]),
        ["TestReplicaCalcMissingMetricsHotCpuNoChange"] = new("Pods", 3, 3, 0.5, [new(0.1, Hot: true), new(0.45), new(null)]),
        ["TestReplicaCalcMissingMetricsUnreadyScaleUp"] = new("Pods", 3, 4, 0.5, [new(0.1, Ready: false), new(2.0), new(null)]),
        ["TestReplicaCalcMissingMetricsHotCpuScaleUp"] = new("Pods", 3, 4, 0.5, [new(0.1, Ready: false, Hot: true), new(2.0), new(null)]),
        ["TestReplicaCalcMissingMetricsUnreadyScaleDown"] = new("Pods", 4, 3, 0.5, [new(0.1, Ready: false), new(0.1), new(0.1), new(null)]),
        ["TestReplicaCalcDuringRollingUpdateWithMaxSurge"] = new("Pods", 2, 2, 0.5, [new(0.1), new(0.1), new(null)]),
    };

    public static TheoryData<string> PodsCaseNames => [.. PodsCases.Keys];

    [Theory]
    [MemberData(nameof(PodsCaseNames))]
    public void Pods_metric_matches_hpa(string name)
    {
        var c = PodsCases[name];
        var policy = Build.Policy($"""
            type: utilization
            cpuInitializationPeriod: 2m
            initialReadinessDelay: 10s
            metrics:
              - type: Pods
                signal: {c.Signal.ToName()}
                averageValue: {c.Target.ToString(System.Globalization.CultureInfo.InvariantCulture)}
            """);
        var component = Build.Component(ComponentKind.Compute, c.Current) with
        {
            CurrentReplicas = c.Pods.Count(p => p.Phase != PodPhase.Failed && !p.Deleting),
            ReadyReplicas = c.Pods.Count(p => p.Ready),
            Pods = [.. c.Pods.Select((p, i) => Pod(i, p, c.Signal))],
        };

        var proposal = policy.Propose(Build.Context(component));

        Assert.Equal(ProposalKind.Replicas, proposal.Kind);
        Assert.Equal(c.Expected, proposal.Replicas);
    }

    // External metrics: one value for the whole target (HPA Object/External "Value", and "AverageValue").
    private sealed record ExternalCase(int Current, int Ready, int Expected, double Value, double? Total, double? PerPod);

    private static readonly Dictionary<string, ExternalCase> ExternalCases = new()
    {
        ["TestReplicaCalcScaleUpCMObject"] = new(3, 3, 4, 20000, 15000, null),
        ["TestReplicaCalcScaleUpCMPerPodObject"] = new(3, 3, 4, 20000, null, 5000),
        ["TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods"] = new(3, 1, 5, 50000, 10000, null),
        ["TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods"] = new(3, 1, 2, 8600, 4400, null),
        ["TestReplicaCalcScaleUpPerPodCMExternal"] = new(3, 3, 4, 8600, null, 2150),
        ["TestReplicaCalcScaleDownPerPodCMObject"] = new(5, 5, 3, 6000, null, 2000),
        ["TestReplicaCalcScaleDownCMObject"] = new(5, 5, 3, 12000, 20000, null),
        ["TestReplicaCalcScaleDownCMExternal"] = new(5, 5, 3, 8600, 14334, null),
        ["TestReplicaCalcScaleDownPerPodCMExternal"] = new(5, 5, 3, 8600, null, 2867),
        ["TestReplicaCalcToleranceCMObject"] = new(3, 3, 3, 20666, 20000, null),
        ["TestReplicaCalcTolerancePerPodCMObject"] = new(4, 4, 4, 20166, null, 5000),
        ["TestReplicaCalcToleranceCMExternal"] = new(3, 3, 3, 8600, 8888, null),
        ["TestReplicaCalcTolerancePerPodCMExternal"] = new(3, 3, 3, 8600, null, 2900),
        // getUsageRatioReplicaCount: from zero replicas the ratio alone decides, without tolerance.
        ["scale from zero (Value)"] = new(0, 0, 2, 105, 100, null),
    };

    public static TheoryData<string> ExternalCaseNames => [.. ExternalCases.Keys];

    [Theory]
    [MemberData(nameof(ExternalCaseNames))]
    public void External_metric_matches_hpa(string name)
    {
        var c = ExternalCases[name];
        var target = c.Total is { } total ? $"value: {total}" : $"averageValue: {c.PerPod}";
        var policy = Build.Policy($"""
            type: utilization
            metrics:
              - type: External
                signal: sourceLagMessages
                {target}
            """);
        var component = Build.Component(ComponentKind.Compute, c.Current, (Signal.SourceLagMessages, Build.Constant(c.Value, TimeSpan.FromMinutes(1))))
            with { ReadyReplicas = c.Ready };

        var proposal = policy.Propose(Build.Context(component));

        Assert.Equal(c.Expected, proposal.Replicas);
    }

    [Fact]
    public void An_external_metric_reads_a_custom_signal_and_names_it_when_it_is_missing()
    {
        var spec = Build.Spec("""
            signals: [{name: sinkBacklog, query: sum(sink_backlog), unit: messages}]
            compute:
              maxReplicas: 20
              policies:
                - type: utilization
                  metrics: [{type: External, signal: sinkBacklog, averageValue: 10000}]
            """);
        var policy = PolicyRegistry.BuiltIn.Create(spec.Components[0].Policies[0]);
        var component = Build.Component(ComponentKind.Compute, 3) with { CurrentReplicas = 3, ReadyReplicas = 3 };
        var custom = new CustomWindow("sinkBacklog", "messages", Build.Constant(52_000, TimeSpan.FromMinutes(1)));

        var proposal = policy.Propose(Build.Context(component with { Signals = component.Signals.WithCustom([custom]) }));
        Assert.Equal(6, proposal.Replicas); // ceil(52000 / 10000), as HPA's AverageValue on an External metric
        Assert.Equal("sinkBacklog is 52000 against a target of 10000 per pod over 3 pods (ratio 1.733) -> 6", proposal.Explain());

        var missing = policy.Propose(Build.Context(component));
        Assert.Equal(ProposalKind.Abstain, missing.Kind);
        Assert.True(missing.MetricsMissing);
        Assert.Equal("sinkBacklog", missing.Signal?.Name);
        Assert.Contains("(sinkBacklog is missing or stale)", missing.Explain(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.04, 4)] // docs, "Tolerance": a 5% scale-up tolerance ignores 104 MiB against 100 MiB
    [InlineData(1.06, 5)] // and acts on 106 MiB
    [InlineData(0.92, 4)] // the scale-down tolerance stays at the default 10%
    [InlineData(0.89, 4)] // ceil(0.89 * 4) = 4: past the tolerance but nothing to remove
    [InlineData(0.70, 3)]
    public void Per_direction_tolerance_follows_the_docs_example(double ratio, int expected)
    {
        var policy = Build.Policy("""
            type: utilization
            scaleUpTolerance: 0.05
            metrics:
              - type: Pods
                signal: cpuUtilization
                averageValue: 1
            """);
        var component = Build.Component(ComponentKind.Compute, 4, (Signal.CpuUtilization, Build.Constant(ratio, TimeSpan.FromMinutes(1))));

        Assert.Equal(expected, policy.Propose(Build.Context(component)).Replicas);
    }

    [Fact]
    public void Several_metrics_take_the_largest_proposal()
    {
        // docs, "Scaling on multiple metrics": the HPA takes the maximum scale recommended for each metric.
        var policy = Build.Policy("""
            type: utilization
            metrics:
              - type: Pods
                signal: cpuUtilization
                averageValue: 0.5
              - type: External
                signal: sourceLagMessages
                averageValue: 1000
            """);
        var component = Build.Component(
            ComponentKind.Compute, 4,
            (Signal.CpuUtilization, Build.Constant(0.75, TimeSpan.FromMinutes(1))),
            (Signal.SourceLagMessages, Build.Constant(9000, TimeSpan.FromMinutes(1))));

        var proposal = policy.Propose(Build.Context(component));

        Assert.Equal(9, proposal.Replicas); // cpu wants 6, lag wants ceil(9000 / 1000)
        Assert.Contains("sourceLagMessages", proposal.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_metric_blocks_a_scale_down_the_others_suggest()
    {
        // docs: "If any of these metrics cannot be converted ... and a scale down is suggested ... scaling is skipped."
        var policy = Build.Policy("""
            type: utilization
            metrics:
              - type: Pods
                signal: cpuUtilization
                averageValue: 0.5
              - type: External
                signal: sourceLagMessages
                averageValue: 1000
            """);
        var component = Build.Component(ComponentKind.Compute, 8, (Signal.CpuUtilization, Build.Constant(0.1, TimeSpan.FromMinutes(1))));

        var proposal = policy.Propose(Build.Context(component));

        Assert.Equal(8, proposal.Replicas);
        Assert.True(proposal.MetricsMissing);
        Assert.Equal(Signal.SourceLagMessages, proposal.Signal);
    }

    [Fact]
    public void A_failed_metric_still_lets_the_others_scale_up()
    {
        // docs: "This means that the HPA is still capable of scaling up if one or more metrics give a desiredReplicas greater than the current value."
        var policy = Build.Policy("""
            type: utilization
            metrics:
              - type: Pods
                signal: cpuUtilization
                averageValue: 0.5
              - type: External
                signal: sourceLagMessages
                averageValue: 1000
            """);
        var component = Build.Component(ComponentKind.Compute, 4, (Signal.CpuUtilization, Build.Constant(1.0, TimeSpan.FromMinutes(1))));

        var proposal = policy.Propose(Build.Context(component));

        Assert.Equal(8, proposal.Replicas);
        Assert.True(proposal.MetricsMissing);
    }

    [Fact]
    public void Without_any_metric_it_abstains_and_says_metrics_are_missing()
    {
        var policy = Build.Policy("type: utilization");
        var proposal = policy.Propose(Build.Context(Build.Component(ComponentKind.Compute, 4)));

        Assert.Equal(ProposalKind.Abstain, proposal.Kind);
        Assert.True(proposal.MetricsMissing);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-0.5)]
    public void Invalid_samples_are_missing_and_reported(double bad)
    {
        var policy = Build.Policy("type: utilization");
        var samples = Build.Constant(0.2, TimeSpan.FromMinutes(1));
        samples[^1] = samples[^1] with { Value = bad };
        var component = Build.Component(ComponentKind.Compute, 4, (Signal.CpuUtilization, samples));

        var proposal = policy.Propose(Build.Context(component));

        // The previous good sample (15 s old) is used; the bad one is counted in the trail.
        Assert.Equal(1, proposal.InvalidSamples);
        Assert.Contains("NaN, infinite or negative", proposal.Explain(), StringComparison.Ordinal);
        Assert.Equal(1, proposal.Replicas); // ceil(0.2 / 0.8 * 4)
    }

    [Fact]
    public void A_stale_signal_is_missing()
    {
        var policy = Build.Policy("type: utilization");
        var old = Build.Constant(0.2, TimeSpan.FromMinutes(1), Now - TimeSpan.FromMinutes(10));
        var proposal = policy.Propose(Build.Context(Build.Component(ComponentKind.Compute, 4, (Signal.CpuUtilization, old))));

        Assert.Equal(ProposalKind.Abstain, proposal.Kind);
        Assert.True(proposal.MetricsMissing);
    }

    private static PodObservation Pod(int index, P p, Signal signal)
    {
        // Cool pods started an hour ago; hot pods 60 s ago, ready 30 s ago, with a sample from before that.
        var start = p.Hot ? Now - TimeSpan.FromSeconds(60) : Now - TimeSpan.FromHours(1);
        var transition = p.Hot ? Now - TimeSpan.FromSeconds(30) : start;
        var sampleTime = p.Hot ? Now - TimeSpan.FromSeconds(45) : Now;
        var values = new Dictionary<Signal, Sample>();
        if (p.Level is { } level)
        {
            values[signal] = new Sample(sampleTime, level);
        }

        return new PodObservation
        {
            Name = $"test-pod-{index}",
            Phase = p.Phase,
            Ready = p.Ready,
            Deleting = p.Deleting,
            StartTime = start,
            ReadyTransitionTime = transition,
            Values = values,
        };
    }
}
