using BenchmarkDotNet.Attributes;

namespace RwAutoscaler.Benchmarks.Operator;

/// <summary>
/// The operator with 500 RisingWave resources on a fake API server whose workload controllers make pods
/// ready at once (<see cref="OperatorScenario"/>):
/// <list type="bullet">
/// <item><see cref="FromScratch"/>: start the operator with 500 RisingWaves and none of their objects;
/// done when every one has status Running=True for its generation.</item>
/// <item><see cref="SteadyStateResync"/>: once converged, queue all 500 again (what a resync does) and
/// reconcile them; it fails if anything is written.</item>
/// </list>
/// API calls, writes, reconciles and the heap the operator keeps are in the extra columns; the minute-long
/// steady state is <see cref="OperatorSteadyStateBenchmark"/>.
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*OperatorBenchmark*'
/// </summary>
[MemoryDiagnoser]
[Config(typeof(OperatorColumns.ThreeRuns))]
public class OperatorBenchmark
{
    private readonly OperatorScenario scenario = new();

    [Params(500)]
    public int RisingWaves { get; set; }

    [IterationSetup(Target = nameof(FromScratch))]
    public void Prepare() => scenario.Prepare(RisingWaves);

    [Benchmark]
    public async Task FromScratch()
    {
        scenario.StartOperator(TimeSpan.FromMinutes(10));
        await scenario.UntilAllRunningAsync();
    }

    [IterationCleanup(Target = nameof(FromScratch))]
    public void FinishFromScratch() => scenario.FinishFromScratch(nameof(FromScratch));

    [IterationSetup(Target = nameof(SteadyStateResync))]
    public void Converge() => scenario.Converge(RisingWaves, TimeSpan.FromMinutes(10));

    [Benchmark]
    public async Task SteadyStateResync()
    {
        var target = scenario.Rig.Reconciles + RisingWaves;
        scenario.Rig.Controller.Resync();
        await OperatorRig.UntilAsync(() => scenario.Rig.Reconciles >= target, TimeSpan.FromMinutes(5), "a full resync");
    }

    [IterationCleanup(Target = nameof(SteadyStateResync))]
    public void FinishSteadyState() => scenario.FinishSteadyState(nameof(SteadyStateResync));
}
