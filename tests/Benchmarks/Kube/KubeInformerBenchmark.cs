using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Kube.Watching;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Benchmarks.Kube;

/// <summary>
/// An informer over 10,000 Deployments served by the fake over loopback HTTP:
/// SyncInformer10k is the time from start to a synced cache (paginated LIST of 500 plus decoding and
/// caching); FollowUpdates1k is the time for 1,000 server-side updates to reach the synced informer's
/// handler through the watch (events/s = 1000 / mean). The retained size of a synced cache is printed
/// in the log as "// retained by a synced 10k cache".
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*Kube*'
/// </summary>
[MemoryDiagnoser]
public class KubeInformerBenchmark
{
    private FakeApiServer server = null!;
    private KubernetesClient client = null!;
    private Informer<JsonObject>? following;
    private CancellationTokenSource? stopFollowing;
    private Task? followRun;
    private int seen;
    private int round;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        server = await KubeFixture.StartAsync(10_000);
        client = server.CreateClient();
        await ReportRetainedAsync();
        following = new Informer<JsonObject>(client.Resource(ResourceType.Deployments), new InformerOptions { Namespace = "default" });
        following.Subscribe(_ => Interlocked.Increment(ref seen));
        stopFollowing = new CancellationTokenSource();
        followRun = following.RunAsync(stopFollowing.Token);
        await following.WaitForSyncAsync();
    }

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task CleanupAsync()
    {
        await stopFollowing!.CancelAsync();
        await followRun!;
        stopFollowing.Dispose();
        client.Dispose();
        await server.DisposeAsync();
    }

    [Benchmark]
    public async Task<int> SyncInformer10k()
    {
        using var stop = new CancellationTokenSource();
        var informer = new Informer<JsonObject>(client.Resource(ResourceType.Deployments), new InformerOptions { Namespace = "default" });
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync();
        await stop.CancelAsync();
        await run;
        return informer.Count;
    }

    [Benchmark]
    public async Task<int> FollowUpdates1k()
    {
        var deployments = server.Operations.Registry.Find("apps", "v1", "deployments")!;
        var target = Volatile.Read(ref seen) + 1000;
        round++;
        for (var i = 0; i < 1000; i++)
        {
            var obj = KubeFixture.Deployment($"rw-{i:D5}", 0);
            obj["metadata"]!["annotations"] = new JsonObject { ["round"] = $"{round}" };
            server.Operations.Update(deployments, "default", $"rw-{i:D5}", obj, null, unconditional: true);
        }
        while (Volatile.Read(ref seen) < target)
        {
            await Task.Delay(1);
        }
        return target;
    }

    private async Task ReportRetainedAsync()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var stop = new CancellationTokenSource();
        var informer = new Informer<JsonObject>(client.Resource(ResourceType.Deployments), new InformerOptions { Namespace = "default" });
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync();
        await stop.CancelAsync();
        await run;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"// retained by a synced 10k cache: {(after - before) / 1024.0 / 1024.0:F1} MiB ({informer.Count} objects)");
        GC.KeepAlive(informer);
    }
}
