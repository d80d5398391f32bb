using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RwAutoscaler.Benchmarks.Daemon;

/// <summary>
/// The daemon sizing 100, 1,000 and 10,000 simulated clusters (<see cref="DaemonRig"/>), in process:
/// <list type="bullet">
/// <item><see cref="Tick"/>: every cluster due at once: one metrics fetch (one PromQL query per signal, whatever the
/// number of clusters) and one evaluation each; nothing changes, so nothing is written.</item>
/// <item><see cref="AlertToPatch"/>: 100 alerts, one after the other, each for a cluster whose CPU was just raised: the
/// time from the alert arriving at the webhook to the replica patch being acknowledged.</item>
/// <item><see cref="AlertToPatchDuringTicks"/>: the same while every cluster is also evaluated every 2 s.</item>
/// </list>
/// CPU time is the process's (the fake API server and the fake Prometheus run in it too, so it is an upper bound).
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*DaemonBenchmark*'
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DaemonColumns.Config))]
public class DaemonBenchmark
{
    private DaemonRig _rig = null!;
    private HttpClient _http = null!;
    private int _next;
    private (int Queries, TimeSpan Cpu, int Writes, int Fetches) _before;

    [Params(100, 1000, 10_000)]
    public int Clusters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rig = DaemonRig.StartAsync(Clusters).GetAwaiter().GetResult();
        _rig.StartDaemonAsync().GetAwaiter().GetResult();
        _http = new HttpClient();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _rig.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [IterationSetup(Target = nameof(Tick))]
    public void BeforeTick()
    {
        Thread.Sleep(150); // older than the metrics' max age: the tick fetches
        _before = (_rig.Queries, Process.GetCurrentProcess().TotalProcessorTime, Writes(), _rig.Host.Hub.Fetches);
    }

    [Benchmark]
    public Task Tick() => _rig.TickAsync();

    [IterationCleanup(Target = nameof(Tick))]
    public void AfterTick()
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _before.Cpu;
        DaemonColumns.Record(nameof(Tick), Clusters, new Dictionary<string, string>
        {
            ["Queries/tick"] = (_rig.Queries - _before.Queries).ToString(CultureInfo.InvariantCulture),
            ["Fetches/tick"] = (_rig.Host.Hub.Fetches - _before.Fetches).ToString(CultureInfo.InvariantCulture),
            ["CPU/tick"] = $"{cpu.TotalMilliseconds:F0} ms",
            ["Writes"] = (Writes() - _before.Writes).ToString(CultureInfo.InvariantCulture),
            ["Heap"] = $"{GC.GetTotalMemory(false) / 1024.0 / 1024.0:F0} MiB",
        });
    }

    [Benchmark]
    public Task AlertToPatch() => AlertsAsync(nameof(AlertToPatch), ticks: false);

    [Benchmark]
    public Task AlertToPatchDuringTicks() => AlertsAsync(nameof(AlertToPatchDuringTicks), ticks: true);

    private async Task AlertsAsync(string name, bool ticks)
    {
        using var stop = new CancellationTokenSource();
        var background = ticks ? Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await _rig.TickAsync();
                await Task.Delay(TimeSpan.FromSeconds(2), stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }) : Task.CompletedTask;

        var latencies = new List<double>(100);
        for (var i = 0; i < 100; i++)
        {
            latencies.Add((await _rig.AlertAsync(_next++ % Clusters, _http)).TotalMilliseconds);
        }

        await stop.CancelAsync();
        await background;
        latencies.Sort();
        DaemonColumns.Record(name, Clusters, new Dictionary<string, string>
        {
            ["p50"] = $"{latencies[latencies.Count / 2]:F1} ms",
            ["p99"] = $"{latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1]:F1} ms",
        });
    }

    private int Writes() => _rig.Server.Requests.Count(r => r.Method is "PATCH" or "PUT" or "POST");
}

/// <summary>Figures BenchmarkDotNet does not measure, recorded by the benchmark and shown as columns.</summary>
internal static class DaemonColumns
{
    private static readonly ConcurrentDictionary<(string, int), Dictionary<string, string>> Last = new();

    public static void Record(string benchmark, int clusters, Dictionary<string, string> figures)
    {
        Last[(benchmark, clusters)] = figures;
        Console.WriteLine($"// {benchmark} ({clusters} clusters): {string.Join(", ", figures.Select(f => $"{f.Key}={f.Value}"))}");
    }

    internal sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(5)
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithId("Daemon"));
            foreach (var name in new[] { "Queries/tick", "Fetches/tick", "CPU/tick", "Writes", "Heap", "p50", "p99" })
            {
                AddColumn(new FigureColumn("Daemon" + name, name, name, c =>
                    Last.TryGetValue((c.Descriptor.WorkloadMethod.Name, (int)c.Parameters["Clusters"]), out var figures) ? figures.GetValueOrDefault(name) : null));
            }
        }
    }
}
