using BenchmarkDotNet.Attributes;

namespace RwAutoscaler.Benchmarks.Operator;

/// <summary>
/// One wall-clock minute of the operator's steady state with 500 converged RisingWaves and a resync
/// every 10 s (6 full passes): it fails if anything is written; reconciles and API calls are in the extra
/// columns. The time column is the minute itself.
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*OperatorSteadyStateBenchmark*'
/// </summary>
[Config(typeof(OperatorColumns.OneRun))]
public class OperatorSteadyStateBenchmark
{
    private readonly OperatorScenario scenario = new();

    [Params(500)]
    public int RisingWaves { get; set; }

    [IterationSetup]
    public void Converge() => scenario.Converge(RisingWaves, TimeSpan.FromSeconds(10));

    [Benchmark]
    public async Task<double> SteadyStateMinute()
    {
        var before = scenario.Rig.Reconciles;
        await Task.Delay(TimeSpan.FromMinutes(1));
        return scenario.Rig.Reconciles - before;
    }

    [IterationCleanup]
    public void FinishSteadyState() => scenario.FinishSteadyState(nameof(SteadyStateMinute));
}
