using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Simulator.Running;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Scoring;
using RwAutoscaler.Simulator.Workloads;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Running;

public class SimulationRunnerTests
{
    private static readonly Scenario Steps = TestFiles.Synthetic(
        new StepWorkload { Duration = TimeSpan.FromHours(3), Levels = [200_000, 900_000], Hold = TimeSpan.FromMinutes(45) });

    private static (SimulationRunner Runner, IReadOnlyDictionary<string, string> Variables, LowerBound Bound) Prepare(Scenario scenario)
    {
        var workload = scenario.Workload.Build(scenario.Step, p => p);
        var bound = LowerBound.Of(scenario, workload);
        return (new SimulationRunner(scenario, workload, bound), bound.Variables(scenario), bound);
    }

    private static PolicyFile Fixed(int replicas, string extra = "") => PolicyFile.Parse(
        $"compute:\n  minReplicas: 1\n  maxReplicas: 64\n{extra}  policies:\n    - type: fixed\n      replicas: {replicas}\n", "fixed.yaml", $"fixed-{replicas}");

    [Fact]
    public void The_engine_decides_once_per_poll_interval_through_the_session()
    {
        var (runner, variables, _) = Prepare(Steps);
        var hpa = 0;
        var keda = 0;

        runner.Run(Baselines.Load("hpa", variables), false, decisions: (_, _) => hpa++);
        runner.Run(Baselines.Load("keda", variables), false, decisions: (_, _) => keda++);

        Assert.Equal(720, hpa);   // 3 h of 15 s
        Assert.Equal(360, keda);  // KEDA polls every 30 s
    }

    [Fact]
    public void Static_provisioning_never_rescales_and_meets_the_slo()
    {
        var (runner, variables, bound) = Prepare(Steps);

        var run = runner.Run(Baselines.Load("static", variables), true);

        Assert.Equal(0, run.Scores.Rescales);
        Assert.Equal(0, run.Scores.ViolationSeconds);
        Assert.All(run.Timeline!.ComputePods.Take(run.Timeline.Count), p => Assert.Equal(bound.PeakCompute, p));
        Assert.True(run.Scores.CostRatio > 1);
    }

    [Fact]
    public void Too_few_fixed_replicas_violate_the_slo_at_the_high_level()
    {
        var (runner, _, _) = Prepare(Steps);

        var run = runner.Run(Fixed(3), false);

        Assert.True(run.Scores.ViolationFraction > 0.3);
        Assert.True(run.Scores.MaxLagSeconds > 600);
    }

    [Fact]
    public void Hpa_scales_compute_up_when_the_load_steps_up()
    {
        var (runner, variables, _) = Prepare(Steps);

        var run = runner.Run(Baselines.Load("hpa", variables), true);

        var t = run.Timeline!;
        var low = t.ComputePods[40 * 4];                       // 40 min: the first low level
        var high = t.ComputePods.Skip(45 * 4).Take(45 * 4).Max(); // the high level, 45-90 min
        Assert.True(high > low, $"{low} -> {high}");
        Assert.True(run.Scores.ComputeRescales > 0);
    }

    [Fact]
    public void The_host_does_not_act_while_a_rescale_is_in_progress()
    {
        var (runner, _, _) = Prepare(Steps);
        var flip = PolicyFile.Parse(
            "compute:\n  maxReplicas: 64\n  holdDuringRescale: false\n  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: 0\n  policies:\n    - type: schedule\n      windows:\n        - start: \"00:00\"\n          end: \"00:01\"\n          minReplicas: 8\n    - type: fixed\n      replicas: 2\n",
            "flip.yaml", "flip");
        var changedButHeld = 0;

        runner.Run(flip, false, decisions: (decision, acted) =>
        {
            var compute = decision.Components[0];
            if (compute.IsChange && !acted[0])
            {
                changedButHeld++;
            }
        });

        // At 00:01 the policy wants 2 while the scale-out to 8 is still starting: the host waits.
        Assert.True(changedButHeld > 0);
    }

    [Fact]
    public void Runs_repeat_exactly()
    {
        var (runner, variables, _) = Prepare(Steps);

        var first = runner.Run(Baselines.Load("flink", variables), false).Scores;
        var second = runner.Run(Baselines.Load("flink", variables), false).Scores;

        Assert.Equal(first, second);
    }

    [Fact]
    public void Policies_see_every_signal_with_its_name_and_unit()
    {
        var probe = new ProbeType();
        var registry = PolicyRegistry.BuiltIn.With(probe);
        var policy = PolicyFile.Parse("compute:\n  maxReplicas: 8\n  policies:\n    - type: probe\n", "probe.yaml", "probe", registry: registry);
        var (runner, _, _) = Prepare(Steps with { Workload = new WorkloadSpec { Synthetic = new StepWorkload { Duration = TimeSpan.FromMinutes(40), Levels = [2_000_000], Hold = TimeSpan.FromHours(1) } } });

        runner.Run(policy, false, registry: registry);

        var seen = probe.Last!;
        foreach (var signal in Enum.GetValues<Signal>())
        {
            Assert.False(seen[signal].IsEmpty, signal.ToName());
        }

        // 30 minutes of 15 s samples by default, the newest stamped at the decision.
        Assert.Equal(121, seen[Signal.IngestRate].Count);
        Assert.Equal(2_000_000, seen[Signal.IngestRate].Samples[^1].Value);
        foreach (var ratio in new[] { Signal.BusyRatio, Signal.BackpressureRatio, Signal.CpuUtilization, Signal.L0WriteStop })
        {
            Assert.All(seen[ratio].Samples.ToArray(), s => Assert.InRange(s.Value, 0, 1));
        }

        // Overloaded at a constant rate: the oldest waiting message was produced lag / rate before the last
        // watermark meta read, which is at most 30 s old.
        var lag = seen[Signal.SourceLagMessages].Samples[^1].Value;
        Assert.InRange(seen[Signal.SourceLagSeconds].Samples[^1].Value, (lag / 2_000_000) - 1e-6, (lag / 2_000_000) + 30);
        Assert.True(seen[Signal.BarrierLatencyP99].Samples[^1].Value > 10);
    }

    private sealed class ProbeType : IPolicyType, IScalingPolicy
    {
        public SignalSet? Last { get; private set; }

        public string Type => "probe";

        public string Name => "probe";

        public PolicySpec? Parse(ConfigMapReader fields, ComponentKind component) => new ProbeSpec { Type = "probe" };

        public IScalingPolicy Create(PolicySpec spec) => this;

        public Proposal Propose(in PolicyContext context)
        {
            // Copy: the host refills the windows in place after the decision.
            var copies = new List<KeyValuePair<Signal, SignalWindow>>();
            foreach (var signal in Enum.GetValues<Signal>())
            {
                copies.Add(new(signal, context[signal].Samples.ToArray()));
            }

            Last = SignalSet.From(copies);
            return new Proposal { Policy = Name, Kind = ProposalKind.Abstain, Template = new ExplanationTemplate("probe") };
        }
    }

    private sealed record ProbeSpec : PolicySpec;
}
