using k8s;
using k8s.Models;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Events;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Cli;
using RwAutoscaler.Operator.Reconciliation;
using RwAutoscaler.Operator.Resources;
using RwAutoscaler.Operator.Runtime;
using RwAutoscaler.Operator.Yaml;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Operator.Tests.Support;

/// <summary>
/// A fake API server with garbage collection and workload controllers on, the RisingWave CRD created from
/// the committed chart file, the operator's caches watching it, and its reconciler, called directly so a
/// test decides when a reconcile happens and counts exactly the writes it makes.
/// </summary>
internal sealed class OperatorFixture : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> watches = [];

    private OperatorFixture(FakeApiServer server, TimeProvider time)
    {
        Server = server;
        Time = time;
        Client = server.CreateClient(new KubeClientOptions { MaxRetries = 0 });
        Metrics = new OperatorMetrics(global::Prometheus.Metrics.NewCustomRegistry());
        Caches = new OperatorCaches(Client, NullLoggerFactory.Instance);
        Events = new RecordingEvents(Client, time);
        Reconciler = new RisingWaveReconciler(new ReconcilerServices(
            Client, Caches, new ObjectSync(Client, Caches, Metrics), Events, Metrics, time, NullLogger.Instance, new ReconcilerOptions()));
    }

    public FakeApiServer Server { get; }

    public TimeProvider Time { get; }

    public KubernetesClient Client { get; }

    public OperatorMetrics Metrics { get; }

    public OperatorCaches Caches { get; }

    public RecordingEvents Events { get; }

    public RisingWaveReconciler Reconciler { get; }

    public ResourceClient<RisingWave> RisingWaves => Client.Resource<RisingWave>();

    public static async Task<OperatorFixture> StartAsync(TimeProvider? time = null, bool podsReady = true)
    {
        var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { GarbageCollection = true, WorkloadControllers = true });
        server.PodsReady = podsReady;
        var crd = YamlJson.Load(File.ReadAllText(Repository.PathOf(CrdCommand.ChartPath))).Single().AsObject();
        using (var client = server.CreateClient())
        {
            await client.Resource(new ResourceType("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false))
                .CreateAsync(crd);
        }

        var fixture = new OperatorFixture(server, time ?? TimeProvider.System);
        fixture.watches.AddRange(fixture.Caches.Run(fixture.stopping.Token));
        await Task.WhenAll(fixture.Caches.Synced).WaitAsync(TimeSpan.FromSeconds(10));
        return fixture;
    }

    /// <summary>Creates the RisingWave of an example file (as kubectl apply would send it) and returns its key.</summary>
    public async Task<RisingWaveKey> CreateAsync(JsonObject risingWave)
    {
        ArgumentNullException.ThrowIfNull(risingWave);
        var created = await Client.Resource(RisingWaveResource.Type).CreateAsync((JsonObject)risingWave.DeepClone());
        return new RisingWaveKey(created.GetNamespace()!, created.GetName()!);
    }

    /// <summary>Waits until every cache has seen everything the server has written so far.</summary>
    public async Task SettleAsync()
    {
        var target = Server.ResourceVersion;
        Server.SendBookmarks();
        var caches = OperatorCaches.OwnedTypes.Select(Caches.Owned).Cast<object>().Append(Caches.RisingWaves).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!caches.All(c => Version(c) >= target))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"caches did not reach resourceVersion {target}");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Settles the caches, reconciles once, and returns the writes the reconcile sent.</summary>
    public async Task<IReadOnlyList<RecordedRequest>> ReconcileAsync(RisingWaveKey key)
    {
        await SettleAsync();
        var before = Server.Requests.Count;
        await Reconciler.ReconcileAsync(key, CancellationToken.None);
        return Writes(Server.Requests.Skip(before));
    }

    /// <summary>Reconciles until a reconcile writes nothing (at most <paramref name="limit"/> times); returns how many it took.</summary>
    public async Task<int> ConvergeAsync(RisingWaveKey key, int limit = 6)
    {
        for (var i = 1; i <= limit; i++)
        {
            if ((await ReconcileAsync(key)).Count == 0)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{key} still writes after {limit} reconciles");
    }

    public async Task<RisingWave> GetAsync(RisingWaveKey key) => await RisingWaves.GetAsync(key.Namespace, key.Name);

    /// <summary>Changes the spec the way a user or the autoscaler would: a JSON patch on the live object.</summary>
    public async Task PatchAsync(RisingWaveKey key, string jsonPatch) =>
        await Client.Resource(RisingWaveResource.Type).PatchAsync(key.Namespace, key.Name, new KubePatch(KubePatch.JsonPatchType, jsonPatch));

    /// <summary>The objects of a kind the server holds for a RisingWave.</summary>
    public IReadOnlyList<JsonObject> Objects(ResourceType type, RisingWaveKey key) =>
        Server.ListObjects(type, key.Namespace).Where(o => (string?)o["metadata"]?["labels"]?[RisingWaveLabels.Name] == key.Name).ToList();

    public static IReadOnlyList<RecordedRequest> Writes(IEnumerable<RecordedRequest> requests) =>
        requests.Where(r => r.Method is "POST" or "PUT" or "PATCH" or "DELETE").ToList();

    private static long Version(object cache) => long.Parse(
        (cache is ObjectCache<JsonObject> json ? json.LastVersion : ((ObjectCache<RisingWave>)cache).LastVersion) ?? "0", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await Task.WhenAll(watches);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        Client.Dispose();
        await Server.DisposeAsync();
        stopping.Dispose();
    }
}

/// <summary>
/// Keeps the events the reconciler records and writes each one at once (the host's recorder queues them and
/// writes in the background, which would leave a test guessing when they arrive).
/// </summary>
internal sealed class RecordingEvents(KubernetesClient client, TimeProvider time) : IEventRecorder
{
    private readonly List<(string Type, string Reason, string Note)> recorded = [];

    public IReadOnlyList<(string Type, string Reason, string Note)> Recorded
    {
        get
        {
            lock (recorded)
            {
                return recorded.ToList();
            }
        }
    }

    public void Record(V1ObjectReference regarding, string type, string reason, string action, string? note, V1ObjectReference? related = null)
    {
        lock (recorded)
        {
            recorded.Add((type, reason, note ?? ""));
        }

        var now = time.GetUtcNow();
        client.Api.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = $"{regarding.Name}.{(now - DateTimeOffset.UnixEpoch).Ticks * 100:x}", NamespaceProperty = regarding.NamespaceProperty },
            EventTime = RwAutoscaler.Kube.Json.MicroTime.ForClient(now),
            ReportingController = "rwautoscaler.dev/rw-operator",
            ReportingInstance = "test",
            Action = action,
            Reason = reason,
            Type = type,
            Note = note,
            Regarding = regarding,
        }, regarding.NamespaceProperty).GetAwaiter().GetResult();
    }
}
