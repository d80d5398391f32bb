using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using RwAutoscaler.Autoscaler.DryRun;
using RwAutoscaler.Autoscaler.Recording;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Benchmarks.DryRun;

/// <summary>
/// A dry-run of a 30-day recording at 15 s steps (172,800 steps, compute and compactor), from the file on
/// disk to the result. Target: under 2 seconds.
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*DryRunBenchmark*'
/// </summary>
[MemoryDiagnoser]
public class DryRunBenchmark
{
    private const int Steps = 30 * 24 * 240;
    private string _path = null!;
    private AutoscalingSpec _spec = null!;

    [GlobalSetup]
    public void Setup()
    {
        _spec = SpecParser.Parse("""
            compute:
              minReplicas: 2
              maxReplicas: 32
              policies:
                - type: throughput
                - type: latency-guard
                  barrierLatencyP99: 10s
            compactor:
              maxReplicas: 8
              policies:
                - type: compaction
            """, "benchmark.yaml");
        _path = Path.Combine(Path.GetTempPath(), "dryrun-benchmark.rwrec");
        RecordingFile.Write(Diurnal(), _path);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark]
    public DryRunResult ThirtyDays() => DryRunReplay.Run(RecordingFile.Read(_path), _spec, "benchmark");

    /// <summary>A month of a daily cycle between 40k and 160k events/s on 6 replicas of 25k/s.</summary>
    private static Recording Diurnal()
    {
        var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        double Load(int i) => 100_000 + (60_000 * Math.Sin(i * 2 * Math.PI / 5760));
        var series = new List<(SeriesInfo, double[])>();
        void Add(ComponentKey c, SeriesKind kind, Signal? signal, Func<int, double> f) =>
            series.Add((new SeriesInfo(c, kind, signal, ""), Enumerable.Range(0, Steps).Select(f).ToArray()));
        Add(ComponentKey.Compute, SeriesKind.TargetReplicas, null, _ => 6);
        Add(ComponentKey.Compute, SeriesKind.ReadyReplicas, null, _ => 6);
        Add(ComponentKey.Compute, SeriesKind.Signal, Signal.IngestRate, Load);
        Add(ComponentKey.Compute, SeriesKind.Signal, Signal.ProcessedRate, i => Math.Min(Load(i), 150_000));
        Add(ComponentKey.Compute, SeriesKind.Signal, Signal.BusyRatio, i => Math.Min(1, Load(i) / 150_000));
        Add(ComponentKey.Compute, SeriesKind.Signal, Signal.SourceLagMessages, _ => 0);
        Add(ComponentKey.Compute, SeriesKind.Signal, Signal.BarrierLatencyP99, i => Load(i) > 150_000 ? 12 : 1);
        Add(ComponentKey.Compactor, SeriesKind.TargetReplicas, null, _ => 2);
        Add(ComponentKey.Compactor, SeriesKind.CoresPerReplica, null, _ => 4);
        Add(ComponentKey.Compactor, SeriesKind.Signal, Signal.CompactionPendingBytes, i => Load(i) * 100_000);
        Add(ComponentKey.Compactor, SeriesKind.Signal, Signal.CompactionRunningSlots, i => Load(i) / 10_000);
        Add(ComponentKey.Compactor, SeriesKind.Signal, Signal.L0WriteStop, _ => 0);
        return new Recording
        {
            Cluster = "bench/rw",
            Start = start,
            Step = TimeSpan.FromSeconds(15),
            Count = Steps,
            Series = [.. series.Select(s => s.Item1)],
            Values = [.. series.Select(s => s.Item2)],
        };
    }
}
