using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using RwAutoscaler.Autoscaler.Daemon;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Benchmarks.Simulator;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Benchmarks.Daemon;

/// <summary>
/// The daemon as deployed (HTTP to the API server and to Prometheus, informers, queue, scheduler, reconciler), sizing
/// <c>clusters</c> simulated RisingWaves: the fake API server in process holds the RisingWaves and their autoscalers, and
/// a <see cref="SignalServer"/> answers each catalogue query with one series per cluster.
/// </summary>
internal sealed class DaemonRig : IAsyncDisposable
{
    public const string Namespace = "bench";
    private static readonly ResourceType Crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false);
    private readonly Dictionary<int, DateTime> _lastAlert = [];
    private readonly KubernetesClient _client;
    private readonly ResourceClient<JsonObject> _risingWaves;

    private DaemonRig(FakeApiServer server, SignalServer signals, int clusters)
    {
        Server = server;
        Signals = signals;
        _client = server.CreateClient();
        _risingWaves = _client.Resource(RisingWaveState.Resource);
        Clusters = clusters;
    }

    public SignalServer Signals { get; }

    public FakeApiServer Server { get; }

    public int Clusters { get; }

    public DaemonHost Host { get; private set; } = null!;

    public int Queries => Signals.Queries;

    public static ClusterRef Cluster(int i) => new(Namespace, $"rw-{i:D4}");

    public static async Task<DaemonRig> StartAsync(int clusters)
    {
        var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { HistoryLimit = 100_000 });
        await SeedAsync(server, clusters, pollingInterval: "1h"); // a 1 h tick: the benchmark decides when ticks happen
        return new DaemonRig(server, await SignalServer.StartAsync(clusters), clusters);
    }

    /// <summary>Installs the CRDs and creates <paramref name="clusters"/> RisingWaves at 2 compute replicas, each with an autoscaler.</summary>
    public static async Task SeedAsync(FakeApiServer server, int clusters, string pollingInterval)
    {
        server.CreateNamespace(Namespace);
        using var client = server.CreateClient();
        foreach (var path in new[] { "charts/risingwave-autoscaler/crds/risingwave.risingwavelabs.com_risingwaves.yaml", AutoscalerCrd.ChartPath })
        {
            await client.Resource(Crds).CreateAsync(YamlText.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, path)), path).Single());
        }

        var risingWaves = client.Resource(RisingWaveState.Resource);
        var autoscalers = client.Resource(RisingWaveAutoscaler.Resource);
        await Parallel.ForEachAsync(Enumerable.Range(0, clusters), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var name = Cluster(i).Name;
            await risingWaves.CreateAsync(RisingWave(name), cancellationToken: ct);
            await autoscalers.CreateAsync(YamlText.Parse(Autoscaler(name, pollingInterval), name).Single(), cancellationToken: ct);
        });
    }

    public async Task StartDaemonAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Host = await DaemonHost.StartAsync(
            new DaemonOptions
            {
                Kube = Server.ClientConfig(),
                Prometheus = new PrometheusOptions { Address = Signals.Address, Timeout = TimeSpan.FromSeconds(30) },
                Listen = new IPEndPoint(IPAddress.Loopback, 0),
                WebhookToken = Encoding.UTF8.GetBytes("bench"),
                LeaderElection = false,
                // Ticks fetch (the benchmark spaces them further apart); alerts in between fetch only their cluster.
                MetricsMaxAge = TimeSpan.FromMilliseconds(100),
                MetricsRetention = TimeSpan.FromMinutes(15),

                // Alerts hit the same clusters again within seconds; the settle time after a rescale would hold them.
                RescaleSettle = TimeSpan.Zero,
            },
            TimeProvider.System,
            NullLoggerFactory.Instance);
        var evaluated = 0;
        Host.Scheduler.BatchDone += count =>
        {
            if (Interlocked.Add(ref evaluated, count) >= Clusters)
            {
                done.TrySetResult();
            }
        };
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
    }

    /// <summary>Queues every cluster at once and waits until as many evaluations have been made (one batch, unless alerts hold some).</summary>
    public async Task TickAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var evaluated = 0;
        void OnBatch(int count)
        {
            if (Interlocked.Add(ref evaluated, count) >= Clusters)
            {
                done.TrySetResult();
            }
        }

        Host.Scheduler.BatchDone += OnBatch;
        try
        {
            Host.Queue.AddRange(Enumerable.Range(0, Clusters).Select(Cluster), Trigger.Tick);
            await done.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }
        finally
        {
            Host.Scheduler.BatchDone -= OnBatch;
        }
    }

    /// <summary>Raises cluster <paramref name="i"/>'s CPU so that its next decision is a scale-up, posts an alert about it and returns the alert-to-patch time.</summary>
    public async Task<TimeSpan> AlertAsync(int i, HttpClient http)
    {
        var cluster = Cluster(i);
        var acted = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnActed(ClusterRef key, TimeSpan latency)
        {
            if (key.Name == cluster.Name)
            {
                acted.TrySetResult(latency);
            }
        }

        // The rate policy counts changes over its 1 s period: a cluster alerted again sooner would be held.
        if (_lastAlert.TryGetValue(i, out var last) && DateTime.UtcNow - last < TimeSpan.FromSeconds(1.5))
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5) - (DateTime.UtcNow - last));
        }

        _lastAlert[i] = DateTime.UtcNow;
        Signals.SetCpu(i, 1.5);
        Host.Scheduler.AlertActed += OnActed;
        try
        {
            using var request = Alert(Host.Address, i);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var latency = await acted.Task.WaitAsync(TimeSpan.FromMinutes(1));

            await ResetAsync(_risingWaves, Signals, i);
            return latency;
        }
        finally
        {
            Host.Scheduler.AlertActed -= OnActed;
            Signals.SetCpu(i, 0.5);
        }
    }

    /// <summary>Back to 2 replicas and a normal CPU, so that the next alert for this cluster scales it again.</summary>
    public static async Task ResetAsync(ResourceClient<JsonObject> risingWaves, SignalServer signals, int i)
    {
        signals.SetCpu(i, 0.5);
        await risingWaves.PatchAsync(Namespace, Cluster(i).Name, KubePatch.Merge(JsonNode.Parse(
            """{"spec":{"components":{"compute":{"nodeGroups":[{"name":"","replicas":2}]}}}}""")!));
    }

    /// <summary>An Alertmanager notification (payload version 4) that fires for cluster <paramref name="i"/>.</summary>
    public static HttpRequestMessage Alert(Uri daemon, int i) => new(HttpMethod.Post, new Uri(daemon, "webhook/alertmanager"))
    {
        Content = new StringContent(
            $$$"""{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"BarrierLatencyHigh","namespace":"{{{Namespace}}}","risingwave_name":"{{{Cluster(i).Name}}}"}}]}""",
            Encoding.UTF8,
            "application/json"),
        Headers = { Authorization = new("Bearer", "bench") },
    };

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Signals.DisposeAsync();
        _client.Dispose();
        await Server.DisposeAsync();
    }

    private static JsonObject RisingWave(string name) => new()
    {
        ["apiVersion"] = "risingwave.risingwavelabs.com/v1alpha1",
        ["kind"] = "RisingWave",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
        ["spec"] = new JsonObject
        {
            ["image"] = "risingwavelabs/risingwave:v3.0.3",
            ["components"] = new JsonObject
            {
                ["compute"] = new JsonObject { ["nodeGroups"] = new JsonArray(new JsonObject { ["name"] = "", ["replicas"] = 2 }) },
                ["compactor"] = new JsonObject { ["nodeGroups"] = new JsonArray(new JsonObject { ["name"] = "", ["replicas"] = 1 }) },
            },
        },
    };

    private static string Autoscaler(string name, string pollingInterval) => $$"""
        apiVersion: rwautoscaler.dev/v1alpha1
        kind: RisingWaveAutoscaler
        metadata: {name: {{name}}, namespace: {{Namespace}}}
        spec:
          targetRef: {name: {{name}}}
          pollingInterval: {{pollingInterval}}
          compute:
            minReplicas: 1
            maxReplicas: 1000
            policies:
              - type: utilization
                metrics: [{type: Pods, signal: cpuUtilization, averageValue: 0.6}]
            behavior:
              scaleUp:
                policies: [{type: Percent, value: 900, periodSeconds: 1}]
        """;
}
