using BenchmarkDotNet.Attributes;
using RwAutoscaler.Simulator.Frontier;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Scoring;
using RwAutoscaler.Simulator.Workloads;

namespace RwAutoscaler.Benchmarks.Simulator;

/// <summary>
/// The clairvoyant frontier of 14 days of the NYC taxi trace at 15 s steps (80,640 steps; goal: under two minutes on
/// 2 cores), every price of violation and the static points. Run:
/// dotnet run -c Release --project tests/Benchmarks -- --filter *FrontierBenchmark*
/// </summary>
[WarmupCount(0)]
[IterationCount(1)]
[RunOncePerIteration]
public class FrontierBenchmark
{
    private Scenario _scenario = null!;
    private Trace _workload = null!;
    private LowerBound _bound = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scenario = new Scenario
        {
            Name = "nyc-taxi-14-days",
            Workload = new WorkloadSpec
            {
                Trace = Path.Combine(Repository.Root, "simulations", "traces", "nab", "nyc_taxi.csv"),
                Length = TimeSpan.FromDays(14),
                Peak = 1_200_000,
            },
            Slo = new SloSpec(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)),
        };
        _workload = _scenario.Workload.Build(_scenario.Step, p => p);
        _bound = LowerBound.Of(_scenario, _workload);
    }

    /// <summary>The points found (so that nothing is optimised away).</summary>
    [Benchmark]
    public int FourteenDays() => FrontierSolver.Solve(_scenario, _workload, _bound).Points.Count;
}
