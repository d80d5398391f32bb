using RwAutoscaler.Policies.Tests.Support;
using RwAutoscaler.Policies.BuiltIn;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Policies.Tests.Configuration;

public sealed class SpecParserTests
{
    private static string ErrorOf(string yaml) => Assert.Throws<SpecException>(() => SpecParser.Parse(yaml, "policy.yaml")).Message;

    [Fact]
    public void The_error_names_the_path_and_the_expected_form()
    {
        var message = ErrorOf("""
            compute:
              maxReplicas: 10
              policies:
                - type: latency-guard
                  barrierLatencyP99: 10s
                - type: throughput
                  targetUtilization: 1.4
            """);

        Assert.Equal("policy.yaml: line 7: compute.policies[1].targetUtilization: must be in (0, 1], got 1.4", message);
    }

    // Each row: the YAML, and a fragment the error must contain.
    public static TheoryData<string, string> BadSpecs => new()
    {
        { "compute: {policies: [{type: fixed, replicas: 1}]}", "compute.maxReplicas: is required: an integer in [1, 10000]" },
        { "compute: {maxReplicas: 0, policies: [{type: fixed, replicas: 1}]}", "compute.maxReplicas: must be an integer in [1, 10000], got 0" },
        { "compute: {minReplicas: 5, maxReplicas: 3, policies: [{type: fixed, replicas: 1}]}", "compute.minReplicas: must not exceed maxReplicas (3), got 5" },
        { "compute: {maxReplicas: 3, policies: []}", "compute.policies: must list at least one policy" },
        { "compute: {maxReplicas: 3, policies: [{replicas: 1}]}", "compute.policies[0].type: is required: one of compaction, fixed, latency-guard, predictive, schedule, throughput, utilization" },
        { "compute: {maxReplicas: 3, policies: [{type: magic}]}", "compute.policies[0].type: must be one of compaction, fixed, latency-guard, predictive, schedule, throughput, utilization, got 'magic'" },
        { "compute: {maxReplicas: 3, policies: [{type: throughput, targetUtilisation: 0.5}]}", "compute.policies[0].targetUtilisation: unknown field; did you mean targetUtilization?" },
        { "compute: {maxReplicas: 3, policies: [{type: throughput, metricsWindow: 15}]}", "compute.policies[0].metricsWindow: must be a duration like 30s, 5m or 1h30m, got '15'" },
        { "compute: {maxReplicas: 3, policies: [{type: throughput, metricsWindow: 5s}]}", "compute.policies[0].metricsWindow: must be a duration in [30s, 1d], got 5s" },
        { "compute: {maxReplicas: 3, combine: average, policies: [{type: fixed, replicas: 1}]}", "compute.combine: must be one of max, min, priority, got 'average'" },
        { "compute: {maxReplicas: 3, group: Spot_1, policies: [{type: fixed, replicas: 1}]}", "compute.group: must be a node group name" },
        { "compute: {maxReplicas: 3, policies: [{type: fixed, replicas: 1}, {type: fixed, replicas: 2}]}", "two policies are named 'fixed'" },
        { "compute: {maxReplicas: 3, behavior: {scaleDown: {stabilizationWindowSeconds: 4000}}, policies: [{type: fixed, replicas: 1}]}", "compute.behavior.scaleDown.stabilizationWindowSeconds: must be an integer in [0, 3600], got 4000" },
        { "compute: {maxReplicas: 3, behavior: {scaleUp: {policies: [{type: Pods, value: 4, periodSeconds: 1801}]}}, policies: [{type: fixed, replicas: 1}]}", "periodSeconds: must be an integer in [1, 1800], got 1801" },
        { "compute: {maxReplicas: 3, behavior: {scaleUp: {selectPolicy: Maximum}}, policies: [{type: fixed, replicas: 1}]}", "compute.behavior.scaleUp.selectPolicy: must be one of Max, Min, Disabled, got 'Maximum'" },
        { "compute: {maxReplicas: 3, policies: [{type: utilization, metrics: [{type: External, signal: cpu, averageValue: 0.8}]}]}", "compute.policies[0]: reads signal 'cpu', which is neither a catalogue signal (ingestRate, " },
        { "compute: {maxReplicas: 3, policies: [{type: utilization, metrics: [{signal: cpu-util, averageValue: 0.8}]}]}", "compute.policies[0].metrics[0].signal: must be a catalogue signal (ingestRate, " },
        { "signals: [{name: backlog, query: x}]\ncompute: {maxReplicas: 3, policies: [{type: utilization, metrics: [{signal: backlog, averageValue: 0.8}]}]}", "compute.policies[0].metrics[0].signal: 'backlog' is a custom signal, one series per cluster: read it with type: External" },
        { "signals: [{name: backlog, query: x}]\ncompute: {maxReplicas: 3, policies: [{type: utilization, metrics: [{type: External, signal: lag, value: 5}]}]}", "reads signal 'lag', which is neither a catalogue signal (ingestRate, processedRate, busyRatio, backpressureRatio, cpuUtilization, barrierLatencyP99, sourceLagMessages, sourceLagSeconds, compactionPendingBytes, compactionRunningSlots, l0WriteStop, barrierLatencyP99Capped) nor defined under signals (backlog)" },
        { "signals: [{name: busyRatio, query: x}]\ncompute: {maxReplicas: 3, policies: [{type: fixed, replicas: 1}]}", "signals[0].name: 'busyRatio' is a catalogue signal already" },
        { "signals: [{name: sink-backlog, query: x}]\ncompute: {maxReplicas: 3, policies: [{type: fixed, replicas: 1}]}", "signals[0].name: must be a letter then letters and digits (at most 63), e.g. sinkBacklog, got 'sink-backlog'" },
        { "signals: [{name: backlog}]\ncompute: {maxReplicas: 3, policies: [{type: fixed, replicas: 1}]}", "signals[0].query: is required: a PromQL expression with one series per cluster" },
        { "signals: [{query: x}]\ncompute: {maxReplicas: 3, policies: [{type: fixed, replicas: 1}]}", "signals[0].name: is required" },
        { "signals: [{name: a, query: x}, {name: a, query: y}]\ncompute: {maxReplicas: 3, policies: [{type: fixed, replicas: 1}]}", "signals: two signals are named 'a'" },
        { "signals: [{name: a, query: x, units: s}]\ncompute: {maxReplicas: 3, policies: [{type: fixed, replicas: 1}]}", "signals[0].units: unknown field; did you mean unit?" },
        { "signals: {name: a}\ncompute: {maxReplicas: 3, policies: [{type: fixed, replicas: 1}]}", "signals: must be a list" },
        { "compute: {maxReplicas: 3, policies: [{type: utilization, metrics: [{signal: cpuUtilization}]}]}", "compute.policies[0].metrics[0]: must set exactly one target: averageValue or value" },
        { "compute: {maxReplicas: 3, policies: [{type: utilization, metrics: [{signal: cpuUtilization, value: 3}]}]}", "a Pods metric has an averageValue target only" },
        { "compute: {maxReplicas: 3, policies: [{type: throughput, targetUtilization: .nan}]}", "must be a number in (0, 1], got '.nan'" },
        { "compute: {maxReplicas: 3, policies: [{type: throughput, targetUtilization: 0.7, utilizationMin: 0.8}]}", "utilizationMin (0.8) <= targetUtilization (0.7) <= utilizationMax (1) must hold" },
        { "staleAfter: 0s\ncompute: {maxReplicas: 3, policies: [{type: fixed, replicas: 1}]}", "staleAfter: must be a duration in [1s, 1h], got 0s" },
        { "computer: {maxReplicas: 3}", "computer: unknown field; did you mean compute?" },
        { "{}", "must configure at least one of compute, compactor" },
        { "compute: [1, 2]", "compute: must be a map, got a list" },
        { "compute:\n  maxReplicas: 3\n  maxReplicas: 4\n  policies: [{type: fixed, replicas: 1}]", "line 3: not valid YAML or JSON: Duplicate key maxReplicas" },
        { "compute: {maxReplicas: 3", "line 2: not valid YAML or JSON" },
        { "", "the document is empty" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void Bad_specs_are_rejected_with_the_field_named(string yaml, string expected)
    {
        Assert.Contains(expected, ErrorOf(yaml), StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_signals_are_read_with_their_query_and_unit()
    {
        var spec = Build.Spec("""
            signals:
              - name: sinkBacklog
                query: sum by (namespace, risingwave_name) (sink_backlog{namespace=~"{{namespace}}", risingwave_name=~"{{name}}"})
                unit: messages
              - {name: ordersPending, query: sum(orders_pending)}
            compute:
              maxReplicas: 10
              policies:
                - type: utilization
                  metrics: [{type: External, signal: sinkBacklog, averageValue: 10000}]
            """);

        Assert.Equal<CustomSignalSpec[]>(
            [new CustomSignalSpec("sinkBacklog", "sum by (namespace, risingwave_name) (sink_backlog{namespace=~\"{{namespace}}\", risingwave_name=~\"{{name}}\"})", "messages"),
             new CustomSignalSpec("ordersPending", "sum(orders_pending)", "")],
            spec.Signals.ToArray());
        Assert.True(spec.Signals[0].IsTemplated);
        Assert.False(spec.Signals[1].IsTemplated);
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var error = Assert.Throws<SpecException>(() => SpecParser.Parse("""
            compute:
              maxReplicas: -1
              policies:
                - type: throughput
                  targetUtilization: 2
            compactor:
              maxReplicas: 2
              policies:
                - type: compaction
                  bytesPerCore: zero
            """, "policy.yaml"));

        Assert.Equal(3, error.Errors.Length);
        Assert.Contains("3 errors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_is_accepted_too()
    {
        var spec = SpecParser.Parse("""
            {"compute": {"maxReplicas": 12, "policies": [{"type": "throughput", "targetUtilization": 0.8}]}}
            """, "policy.json");

        var policy = Assert.IsType<ThroughputPolicySpec>(spec.Find(ComponentKind.Compute)!.Policies[0]);
        Assert.Equal(0.8, policy.TargetUtilization);
        Assert.Equal(12, spec.Components[0].MaxReplicas);
    }

    [Fact]
    public void Defaults_are_hpa_and_flink_defaults()
    {
        var spec = SpecParser.Parse("compute: {maxReplicas: 9, policies: [{type: throughput}, {type: utilization}]}", "p.yaml");
        var compute = spec.Components[0];
        var throughput = (ThroughputPolicySpec)compute.Policies[0];
        var utilization = (UtilizationPolicySpec)compute.Policies[1];

        Assert.Equal(1, compute.MinReplicas);
        Assert.Equal(Combine.Max, compute.Combine);
        Assert.Equal(BehaviorSpec.Default, compute.Behavior);
        Assert.Equal(TimeSpan.FromMinutes(2), spec.StaleAfter);
        Assert.Equal((0.7, 0.4, 1.0), (throughput.TargetUtilization, throughput.UtilizationMin, throughput.UtilizationMax));
        Assert.Equal(TimeSpan.FromMinutes(15), throughput.MetricsWindow);
        Assert.Equal(TimeSpan.FromMinutes(5), throughput.Stabilization);
        Assert.Equal(TimeSpan.FromMinutes(30), throughput.CatchUpDuration);
        Assert.Equal(TimeSpan.FromMinutes(5), throughput.RestartTime);
        Assert.Equal(TimeSpan.FromHours(1), throughput.ScaleDownInterval);
        Assert.Equal(0.6, throughput.ScaleDownMaxFactor);
        Assert.Equal(UtilizationPolicySpec.DefaultMetric, Assert.Single(utilization.Metrics));
        Assert.Equal(0.1, utilization.ScaleUpTolerance);
    }

    [Fact]
    public void A_behavior_direction_left_out_keeps_the_hpa_defaults_and_a_field_left_out_too()
    {
        var spec = SpecParser.Parse("""
            compute:
              maxReplicas: 9
              policies: [{type: fixed, replicas: 1}]
              behavior:
                scaleDown:
                  stabilizationWindowSeconds: 60
            """, "p.yaml");
        var behavior = spec.Components[0].Behavior;

        Assert.Equal(BehaviorSpec.DefaultScaleUp, behavior.ScaleUp);
        Assert.Equal(TimeSpan.FromSeconds(60), behavior.ScaleDown.StabilizationWindow);
        Assert.Equal(BehaviorSpec.DefaultScaleDown.Policies, behavior.ScaleDown.Policies);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData("500ms", 0.5)]
    [InlineData("1d", 86400)]
    [InlineData("0", 0)]
    public void Durations_parse_like_kubernetes_durations(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds);
        Assert.True(Durations.TryParse(Durations.Format(value), out var again));
        Assert.Equal(value, again);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 m")]
    [InlineData("m5")]
    [InlineData("5y")]
    [InlineData("-5s")]
    public void Bad_durations_do_not_parse(string text) => Assert.False(Durations.TryParse(text, out _));
}
