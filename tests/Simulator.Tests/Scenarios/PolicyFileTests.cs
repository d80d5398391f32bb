using RwAutoscaler.Policies.BuiltIn;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Simulator.Scenarios;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Scenarios;

public class PolicyFileTests
{
    private static readonly Dictionary<string, string> Variables = new()
    {
        ["peakComputeReplicas"] = "9",
        ["peakCompactorReplicas"] = "3",
        ["maxComputeReplicas"] = "64",
        ["maxCompactorReplicas"] = "32",
        ["kedaLagThreshold"] = "4800000",
    };

    [Fact]
    public void Hpa_is_the_utilization_policy_with_every_default()
    {
        var hpa = Baselines.Load("hpa", Variables);

        var compute = hpa.Spec.Find(Policies.Model.ComponentKind.Compute)!;
        var utilization = Assert.IsType<UtilizationPolicySpec>(Assert.Single(compute.Policies));
        Assert.Equal(UtilizationPolicySpec.DefaultMetric, Assert.Single(utilization.Metrics));
        Assert.Equal(0.1, utilization.ScaleUpTolerance);
        Assert.Equal(BehaviorSpec.Default, compute.Behavior);
        Assert.Equal(TimeSpan.FromSeconds(15), hpa.PollInterval);
    }

    [Fact]
    public void Keda_scales_on_lag_as_an_external_average_value_every_30_seconds()
    {
        var keda = Baselines.Load("keda", Variables);

        var utilization = Assert.IsType<UtilizationPolicySpec>(keda.Spec.Find(Policies.Model.ComponentKind.Compute)!.Policies[0]);
        Assert.Equal(new UtilizationMetric(MetricSource.External, Policies.Model.Signal.SourceLagMessages, 4_800_000, null), Assert.Single(utilization.Metrics));
        Assert.Equal(TimeSpan.FromSeconds(30), keda.PollInterval);
    }

    [Fact]
    public void Flink_is_the_throughput_policy_with_flink_defaults_and_no_hpa_limits()
    {
        var flink = Baselines.Load("flink", Variables);

        var compute = flink.Spec.Find(Policies.Model.ComponentKind.Compute)!;
        var throughput = Assert.IsType<ThroughputPolicySpec>(Assert.Single(compute.Policies));
        var defaults = new ThroughputPolicySpec { Type = "throughput" };
        Assert.Equal(defaults with { UtilizationMin = throughput.UtilizationMin }, throughput);
        Assert.Equal(0.4, throughput.UtilizationMin, 9); // target 0.7 - boundary 0.3
        Assert.Equal(TimeSpan.Zero, compute.Behavior.ScaleDown.StabilizationWindow);
        Assert.Equal(TimeSpan.FromSeconds(60), flink.PollInterval);
    }

    [Fact]
    public void Static_is_fixed_at_the_peak()
    {
        var fixedAtPeak = Baselines.Load("static", Variables);

        var compute = fixedAtPeak.Spec.Find(Policies.Model.ComponentKind.Compute)!;
        Assert.Equal(9, Assert.IsType<FixedPolicySpec>(Assert.Single(compute.Policies)).Replicas);
        Assert.Equal((9, 9), (compute.MinReplicas, compute.MaxReplicas));
    }

    [Fact]
    public void A_custom_signal_keeps_its_cluster_placeholders_and_the_simulator_refuses_a_policy_that_reads_it()
    {
        var path = TestFiles.Write("custom.yaml", """
            signals:
              - {name: sinkBacklog, query: 'sum by (namespace, risingwave_name) (sink_backlog{namespace=~"{{namespace}}", risingwave_name=~"{{name}}"})'}
            compute:
              maxReplicas: {{maxComputeReplicas}}
              policies:
                - type: utilization
                  metrics: [{type: External, signal: sinkBacklog, averageValue: 1000}]
            """);
        var file = PolicyFile.ReadFile(path, Variables);
        Assert.Contains("namespace=~\"{{namespace}}\", risingwave_name=~\"{{name}}\"", file.Spec.Signals[0].Query, StringComparison.Ordinal);
        Assert.Equal(64, file.Spec.Components[0].MaxReplicas);

        var scenario = ScenarioParser.ReadFile(TestFiles.Simulations("scenarios/synthetic-step.yaml"));
        var error = Assert.Throws<SpecException>(() => Simulator.Running.SimulationPlan.Create(scenario, policy: path, compare: []));
        Assert.Contains("custom.yaml: compute.policies[0]: reads the custom signal 'sinkBacklog', which the simulator's cluster model does not produce", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_placeholder_is_an_error_with_its_line()
    {
        var error = Assert.Throws<SpecException>(() => PolicyFile.Parse("compute:\n  maxReplicas: {{nope}}\n", "p.yaml", "p", Variables));

        Assert.Contains("p.yaml: line 2: nope: unknown placeholder", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pollInterval: 30s\n", 30)]
    [InlineData("", 15)]
    public void The_poll_interval_is_read_beside_the_spec(string line, int seconds)
    {
        var policy = PolicyFile.Parse(line + "compute:\n  maxReplicas: 4\n  policies:\n    - type: fixed\n      replicas: 2\n", "p.yaml", "p");

        Assert.Equal(TimeSpan.FromSeconds(seconds), policy.PollInterval);
    }

    [Fact]
    public void A_bad_poll_interval_is_named()
    {
        var error = Assert.Throws<SpecException>(() => PolicyFile.Parse("pollInterval: often\ncompute:\n  maxReplicas: 4\n", "p.yaml", "p"));

        Assert.Contains("line 1: pollInterval: must be a duration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_node_pool_caps_max_replicas()
    {
        var capped = Baselines.Load("hpa", Variables).CappedAt(10, 2);

        Assert.Equal(10, capped.Spec.Find(Policies.Model.ComponentKind.Compute)!.MaxReplicas);
        Assert.Equal(2, capped.Spec.Find(Policies.Model.ComponentKind.Compactor)!.MaxReplicas);
    }

    [Fact]
    public void Every_shipped_policy_file_parses()
    {
        foreach (var file in Directory.GetFiles(TestFiles.Simulations("policies"), "*.yaml"))
        {
            Assert.NotEmpty(PolicyFile.ReadFile(file).Spec.Components);
        }
    }

    [Theory]
    [InlineData("# Tuned by `autoscaler tune ...` from start.yaml,\n# over: synthetic-step, synthetic-cosine.\n", new[] { "synthetic-step", "synthetic-cosine" })]
    [InlineData("# written by hand\n", new string[0])]
    public void The_scenarios_a_policy_was_tuned_on_come_from_its_header(string header, string[] tunedOn)
    {
        var file = TestFiles.Write("tuned.yaml", header + "compute:\n  maxReplicas: 4\n  policies:\n    - type: fixed\n      replicas: 2\n");

        Assert.Equal(tunedOn, PolicyFile.ReadFile(file).TunedOn);
    }
}
