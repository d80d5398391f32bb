using System.Globalization;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Cli;
using RwAutoscaler.Operator.Resources;
using RwAutoscaler.Operator.Yaml;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Benchmarks.Operator;

/// <summary>
/// A fake API server holding N RisingWaves (the upstream memory example, 9 objects each once reconciled),
/// its Deployment and StatefulSet controllers making pods ready at once, and the operator on it.
/// </summary>
internal sealed class OperatorScenario
{
    private long requestsBefore;
    private long writesBefore;
    private double reconcilesBefore;

    public FakeApiServer Server { get; private set; } = null!;

    public OperatorRig Rig { get; private set; } = null!;

    public int Count { get; private set; }

    /// <summary>The server with the RisingWaves, no operator yet.</summary>
    public void Prepare(int count)
    {
        Count = count;
        Server = StartWithRisingWavesAsync(count).GetAwaiter().GetResult();
    }

    public OperatorRig StartOperator(TimeSpan resync) => Rig = new OperatorRig(Server, resync);

    public Task UntilAllRunningAsync() =>
        OperatorRig.UntilAsync(() => RunningCount() == Count, TimeSpan.FromMinutes(10), "every RisingWave to be Running");

    /// <summary>Prepared, operator started, every RisingWave Running, and no writes for half a second.</summary>
    public void Converge(int count, TimeSpan resync)
    {
        Prepare(count);
        StartOperator(resync);
        UntilAllRunningAsync().GetAwaiter().GetResult();
        long seen;
        do
        {
            seen = Rig.Requests.Writes;
            Thread.Sleep(500);
        }
        while (Rig.Requests.Writes != seen || Rig.Metrics.QueueDepth.Value > 0);
        requestsBefore = Rig.Requests.Total;
        writesBefore = Rig.Requests.Writes;
        reconcilesBefore = Rig.Reconciles;
    }

    /// <summary>Records what happened since <see cref="Converge"/>, fails when anything was written, and stops.</summary>
    public void FinishSteadyState(string benchmark)
    {
        var writes = Rig.Requests.Writes - writesBefore;
        OperatorColumns.Record(benchmark, new Dictionary<string, long>
        {
            ["Total"] = Rig.Requests.Total - requestsBefore,
            ["Writes"] = writes,
            ["Reconciles"] = (long)(Rig.Reconciles - reconcilesBefore),
        }, heapBytes: null);
        if (writes != 0)
        {
            throw new InvalidOperationException($"{benchmark}: {writes} writes in the steady state, expected none");
        }

        Stop();
    }

    /// <summary>Records the requests of a start from scratch and the heap the operator holds, and stops.</summary>
    public void FinishFromScratch(string benchmark)
    {
        var counted = new Dictionary<string, long>(Rig.Requests.Snapshot()) { ["Reconciles"] = (long)Rig.Reconciles };
        var heapWithOperator = GC.GetTotalMemory(forceFullCollection: true);
        Rig.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Rig = null!;
        var heapWithout = GC.GetTotalMemory(forceFullCollection: true);
        OperatorColumns.Record(benchmark, counted, heapWithOperator - heapWithout);
        Stop();
    }

    private void Stop()
    {
        Rig?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private int RunningCount() => Rig.Caches.RisingWaves.List().Count(rw =>
        Conditions.IsTrue(rw.Status?.Conditions, "Running") && rw.Status?.ObservedGeneration == rw.Metadata.Generation);

    private static async Task<FakeApiServer> StartWithRisingWavesAsync(int count)
    {
        // No garbage collector: nothing is deleted here, and the fake's collector scans every object on every write.
        var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { WorkloadControllers = true, HistoryLimit = 100_000, WatchBufferLimit = 100_000 });
        using var client = server.CreateClient();
        var root = FindRoot();
        await client.Resource(new ResourceType("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false))
            .CreateAsync(YamlJson.Load(File.ReadAllText(Path.Combine(root, CrdCommand.ChartPath))).Single().AsObject());
        var example = YamlJson.Load(File.ReadAllText(Path.Combine(root, "examples/risingwave/risingwave-memory.yaml"))).Single().AsObject();
        var resources = client.Resource(RisingWaveResource.Type);
        for (var i = 0; i < count; i++)
        {
            var rw = (JsonObject)example.DeepClone();
            rw["metadata"]!["name"] = string.Create(CultureInfo.InvariantCulture, $"rw-{i:D3}");
            await resources.CreateAsync(rw);
        }

        return server;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Autoscaler.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("run the benchmarks from inside the repository");
    }
}
