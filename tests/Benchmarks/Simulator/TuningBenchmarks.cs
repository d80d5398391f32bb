using BenchmarkDotNet.Attributes;
using RwAutoscaler.Simulator.Running;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Tuning;

namespace RwAutoscaler.Benchmarks.Simulator;

/// <summary>
/// Tuning 500 parameter sets of the shipped search space over the six synthetic scenarios on all cores (goal: under
/// 2 minutes on 2 cores). One measured run: it takes minutes. Run:
/// dotnet run -c Release --project tests/Benchmarks -- --filter *TuningBenchmarks*
/// </summary>
[WarmupCount(0)]
[IterationCount(1)]
[RunOncePerIteration]
public class TuningBenchmarks
{
    private Tuner _tuner = null!;

    [GlobalSetup]
    public void Setup()
    {
        var simulations = Path.Combine(Repository.Root, "simulations");
        var space = SearchSpaceParser.ReadFile(Path.Combine(simulations, "spaces", "family.yaml"));
        var plans = new[] { "synthetic-cosine", "synthetic-step", "synthetic-ramp-up", "synthetic-diurnal", "synthetic-spikes", "synthetic-random-walk" }
            .Select(name => SimulationPlan.Create(ScenarioParser.ReadFile(Path.Combine(simulations, "scenarios", name + ".yaml")), policy: space.BasePath, compare: []))
            .ToList();
        _tuner = new Tuner(space, plans);
    }

    [Benchmark]
    public double FiveHundredSetsOverSixScenarios() => _tuner.Run(500, Environment.ProcessorCount).Best.Objective;
}
