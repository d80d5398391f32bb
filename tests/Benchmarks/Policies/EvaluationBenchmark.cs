using BenchmarkDotNet.Attributes;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Benchmarks.Policies;

/// <summary>
/// One evaluation of a 2-component, 3-policy spec over a 15-minute window of 15-second samples: the cost the
/// simulator pays per simulated step. Target: under 5 us and under 1 KB allocated.
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*EvaluationBenchmark*'
/// </summary>
[MemoryDiagnoser]
public class EvaluationBenchmark
{
    private ScalingEngine _engine = null!;
    private ClusterObservation _observation = null!;
    private ScalingHistory _history;

    [GlobalSetup]
    public void Setup()
    {
        _engine = new ScalingEngine(SpecParser.Parse("""
            compute:
              minReplicas: 2
              maxReplicas: 32
              policies:
                - type: throughput
                - type: latency-guard
                  barrierLatencyP99: 10s
                  sourceLagSeconds: 60s
            compactor:
              maxReplicas: 8
              policies:
                - type: compaction
            """, "benchmark.yaml"));

        var now = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        Sample[] Series(Func<int, double> value) =>
            Enumerable.Range(0, 61).Select(i => new Sample(now - TimeSpan.FromSeconds(15 * (60 - i)), value(i))).ToArray();

        var compute = SignalSet.From(new Dictionary<Signal, SignalWindow>
        {
            [Signal.IngestRate] = Series(i => 100_000 + (i * 100)),
            [Signal.ProcessedRate] = Series(i => 100_000 + (i * 100)),
            [Signal.BusyRatio] = Series(i => 0.6 + (i % 5 * 0.01)),
            [Signal.BackpressureRatio] = Series(_ => 0.05),
            [Signal.CpuUtilization] = Series(_ => 0.55),
            [Signal.BarrierLatencyP99] = Series(_ => 1.2),
            [Signal.SourceLagMessages] = Series(_ => 1000),
            [Signal.SourceLagSeconds] = Series(_ => 0.01),
        });
        var compactor = SignalSet.From(new Dictionary<Signal, SignalWindow>
        {
            [Signal.CompactionPendingBytes] = Series(i => 8e9 + (i * 1e7)),
            [Signal.CompactionRunningSlots] = Series(_ => 8),
            [Signal.L0WriteStop] = Series(_ => 0),
        });
        _observation = new ClusterObservation
        {
            Cluster = "bench/rw",
            Time = now,
            Components =
            [
                new ComponentObservation { Key = ComponentKey.Compute, TargetReplicas = 4, CurrentReplicas = 4, ReadyReplicas = 4, CoresPerReplica = 8, Signals = compute },
                new ComponentObservation { Key = ComponentKey.Compactor, TargetReplicas = 1, CurrentReplicas = 1, ReadyReplicas = 1, CoresPerReplica = 4, Signals = compactor },
            ],
        };

        // Five minutes of per-tick history, as the daemon keeps it.
        var session = new ScalingSession(_engine);
        for (var tick = 20; tick > 0; tick--)
        {
            var at = now - TimeSpan.FromSeconds(15 * tick);
            session.RecordAll(_engine.Evaluate(_observation with { Time = at }, session.History), acted: false);
        }

        _history = session.History;
    }

    [Benchmark]
    public ClusterDecision Evaluate() => _engine.Evaluate(_observation, _history);
}
