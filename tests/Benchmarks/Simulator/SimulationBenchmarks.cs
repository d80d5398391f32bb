using BenchmarkDotNet.Attributes;
using RwAutoscaler.Simulator.Running;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Scoring;
using RwAutoscaler.Simulator.Workloads;

namespace RwAutoscaler.Benchmarks.Simulator;

/// <summary>
/// One policy over 30 days of 15 s steps (172,800 steps, goal: under 1 s): a diurnal sine with noise, so the
/// policies rescale every day. Run: dotnet run -c Release --project tests/Benchmarks -- --filter *SimulationBenchmarks*
/// </summary>
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(5)]
[RunOncePerIteration]
public class SimulationBenchmarks
{
    private SimulationRunner _runner = null!;
    private Dictionary<string, PolicyFile> _policies = null!;

    [Params("balanced", "economy", "flink", "hpa")]
    public string Policy { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var scenario = new Scenario
        {
            Name = "30-days",
            Workload = new WorkloadSpec
            {
                Synthetic = new SineWorkload { Duration = TimeSpan.FromDays(30), Mean = 600_000, Amplitude = 400_000, Period = TimeSpan.FromDays(1), Noise = 40_000 },
            },
            Slo = new SloSpec(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)),
        };
        var workload = scenario.Workload.Build(scenario.Step, p => p);
        var bound = LowerBound.Of(scenario, workload);
        var variables = bound.Variables(scenario);
        _runner = new SimulationRunner(scenario, workload, bound);
        var policies = Path.Combine(Repository.Root, "simulations", "policies");
        _policies = new Dictionary<string, PolicyFile>
        {
            ["balanced"] = PolicyFile.ReadFile(Path.Combine(policies, "balanced.yaml")),
            ["economy"] = PolicyFile.ReadFile(Path.Combine(policies, "economy.yaml")),
            ["flink"] = Baselines.Load("flink", variables),
            ["hpa"] = Baselines.Load("hpa", variables),
        };
    }

    /// <summary>172,800 steps of 15 s.</summary>
    [Benchmark]
    public double ThirtyDays() => _runner.Run(_policies[Policy], recordTimeline: false).Scores.ViolationSeconds;
}
