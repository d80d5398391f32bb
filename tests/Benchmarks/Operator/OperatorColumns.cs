using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RwAutoscaler.Benchmarks.Operator;

/// <summary>Figures BenchmarkDotNet does not measure: API calls by kind, reconciles, and the heap the operator keeps.</summary>
internal static class OperatorColumns
{
    private static readonly ConcurrentDictionary<string, (IReadOnlyDictionary<string, long> Counts, long? HeapBytes)> Last = new(StringComparer.Ordinal);

    /// <summary>The figures of a benchmark's last iteration (every iteration does the same work).</summary>
    public static void Record(string benchmark, IReadOnlyDictionary<string, long> counts, long? heapBytes)
    {
        Last[benchmark] = (counts, heapBytes);
        Console.WriteLine($"// {benchmark}: {string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"))}"
            + (heapBytes is { } heap ? $", operator heap={heap / 1024.0 / 1024.0:F1} MiB" : ""));
    }

    /// <summary>Each run takes seconds: one warmup and three measured runs, in process.</summary>
    internal sealed class ThreeRuns : ManualConfig
    {
        public ThreeRuns() => Configure(this, warmups: 1, iterations: 3);
    }

    /// <summary>A minute-long run: measured once (the in-process toolchain gives up on a benchmark after five minutes).</summary>
    internal sealed class OneRun : ManualConfig
    {
        public OneRun() => Configure(this, warmups: 0, iterations: 1);
    }

    private static void Configure(ManualConfig config, int warmups, int iterations)
    {
        config.AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(warmups)
            .WithIterationCount(iterations)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("Operator"));
        config.AddColumn(
            Count("API calls", c => c.TryGetValue("Total", out var t) ? t : c.Where(p => p.Key != "Reconciles").Sum(p => p.Value)),
            Count("Writes", c => c.TryGetValue("Writes", out var w) ? w : c.GetValueOrDefault("POST") + c.GetValueOrDefault("PUT") + c.GetValueOrDefault("PATCH") + c.GetValueOrDefault("DELETE")),
            Count("Reconciles", c => c.GetValueOrDefault("Reconciles")),
            new FigureColumn("OperatorHeap", "Operator heap", "Heap released when the operator (informers, queue) is dropped after converging", c =>
                Last.TryGetValue(c.Descriptor.WorkloadMethod.Name, out var figures) && figures.HeapBytes is { } heap
                    ? string.Create(CultureInfo.InvariantCulture, $"{heap / 1024.0 / 1024.0:F1} MiB")
                    : null, priority: 1));
    }

    private static FigureColumn Count(string name, Func<IReadOnlyDictionary<string, long>, long> value) =>
        new("Operator" + name, name, name + " sent by the operator in the last iteration", c =>
            Last.TryGetValue(c.Descriptor.WorkloadMethod.Name, out var figures) ? value(figures.Counts).ToString(CultureInfo.InvariantCulture) : null);
}
