using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Simulator.Running;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Workloads;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Scenarios;

public class ScenarioParserTests
{
    private const string Valid = """
        name: example
        step: 15s
        workload:
          synthetic:
            pattern: sine
            mean: 500000
            amplitude: 200000
            period: 30m
            duration: 2h
        model:
          compute:
            coresPerReplica: 4
            eventsPerCoreSecond: 50000
            partitions: 16
          rescale:
            podStartDelay: 90s
            warmupDuration: 0s
          latency:
            maxOverloadLatency: 30s
          compactor:
            coresPer100kEvents: 2
        slo:
          barrierLatency: 5s
          lagSeconds: 30s
        compare: [hpa, static]
        baselines:
          kedaLagThreshold: 100000
        """;

    [Fact]
    public void A_scenario_sets_every_part_of_the_model()
    {
        var scenario = ScenarioParser.Parse(Valid, "/tmp/example.yaml");

        Assert.Equal("example", scenario.Name);
        Assert.Equal(4, scenario.Model.Compute.CoresPerReplica);
        Assert.Equal(50_000, scenario.Model.Compute.EventsPerCoreSecond);
        Assert.Equal(16, scenario.Model.Compute.Partitions);
        Assert.Equal(TimeSpan.FromSeconds(90), scenario.Model.Rescale.PodStartDelay);
        Assert.Equal(TimeSpan.Zero, scenario.Model.Rescale.WarmupDuration);
        Assert.Equal(TimeSpan.FromSeconds(30), scenario.Model.Latency.MaxOverloadLatency);
        Assert.Equal(2, scenario.Model.Compactor.CoresPer100kEvents);
        Assert.Equal(0.85, scenario.Model.Compute.ScalingExponent); // untouched defaults stay
        Assert.Equal(new SloSpec(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)), scenario.Slo);
        Assert.Equal(["hpa", "static"], scenario.Compare.ToArray());
        Assert.Equal(100_000, scenario.KedaLagThreshold);
        var sine = Assert.IsType<SineWorkload>(scenario.Workload.Synthetic);
        Assert.Equal(TimeSpan.FromMinutes(30), sine.Period);
    }

    [Theory]
    [InlineData("coresPerReplica: 4", "coresPerReplica: -4", "line 12: model.compute.coresPerReplica: must be in (0, inf), got -4")]
    [InlineData("partitions: 16", "partitons: 16", "line 14: model.compute.partitons: unknown field; did you mean partitions?")]
    [InlineData("pattern: sine", "pattern: wave", "line 5: workload.synthetic.pattern: must be one of step, ramp, sine, spikes, random-walk, got 'wave'")]
    [InlineData("podStartDelay: 90s", "podStartDelay: soon", "line 16: model.rescale.podStartDelay: must be a duration like 30s")]
    [InlineData("barrierLatency: 5s", "barrierLatency: 5", "line 23: slo.barrierLatency: must be a duration like 30s")]
    [InlineData("compare: [hpa, static]", "compare: hpa", "line 25: compare: must be a list")]
    public void Errors_name_the_file_the_line_and_the_field(string good, string bad, string expected)
    {
        var error = Assert.Throws<SpecException>(() => ScenarioParser.Parse(Valid.Replace(good, bad, StringComparison.Ordinal), "/tmp/bad.yaml"));

        Assert.Contains("bad.yaml: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_trace_file_is_reported_at_its_line()
    {
        var error = Assert.Throws<SpecException>(() => ScenarioParser.Parse(
            "workload:\n  trace: no-such.csv\n  peak: 1000\nslo:\n  lagSeconds: 60s\n", "/tmp/s.yaml"));

        Assert.Contains("line 2: workload.trace: file not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Required_parts_are_reported_together()
    {
        var error = Assert.Throws<SpecException>(() => ScenarioParser.Parse("name: x\n", "/tmp/s.yaml"));

        Assert.Contains("workload: is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("slo: is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_needs_a_peak_or_a_scale()
    {
        var trace = TestFiles.Write("t.csv", "second|count\n0|1\n1|2\n");
        var error = Assert.Throws<SpecException>(() => ScenarioParser.Parse(
            $"workload:\n  trace: {trace}\nslo:\n  lagSeconds: 60s\n", "/tmp/s.yaml"));

        Assert.Contains("workload.peak: is required for a trace", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_shipped_scenario_parses_and_builds_its_workload()
    {
        var files = Directory.GetFiles(TestFiles.Simulations("scenarios"), "*.yaml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var plan = SimulationPlan.Create(ScenarioParser.ReadFile(file));
            Assert.True(plan.Workload.Values.Length > 100, file);
            Assert.Equal(plan.Scenario.Step, plan.Workload.Step);
            Assert.True(plan.Policies.Count >= 5, $"{file}: {plan.Policies.Count} policies");
        }
    }

    [Fact]
    public void A_swapped_trace_keeps_the_scenario_s_peak()
    {
        var scenario = ScenarioParser.ReadFile(TestFiles.Simulations("scenarios/synthetic-step.yaml"));
        var trace = TestFiles.Write("swap.csv", "second|count\n" + string.Join('\n', Enumerable.Range(0, 3600).Select(i => $"{i}|{i % 600}")) + "\n");

        var plan = SimulationPlan.Create(scenario, trace: trace);

        Assert.Equal(1_100_000, plan.Workload.Peak, 6);
        Assert.Equal(240, plan.Workload.Values.Length);
    }
}
