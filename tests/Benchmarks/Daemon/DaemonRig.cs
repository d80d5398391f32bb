using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RwAutoscaler.Autoscaler.Daemon;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Benchmarks.Simulator;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Benchmarks.Daemon;

/// <summary>
/// The daemon as deployed (HTTP to the API server and to Prometheus, informers, queue, scheduler, reconciler), sizing
/// <c>clusters</c> simulated RisingWaves: the fake API server in process holds the RisingWaves and their autoscalers, and
/// a Prometheus HTTP API in process answers each catalogue query with one series per cluster (the CPU of any cluster
/// can be raised to make its next decision a scale-up).
/// </summary>
internal sealed class DaemonRig : IAsyncDisposable
{
    public const string Namespace = "bench";
    private static readonly ResourceType Crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false);
    private readonly ConcurrentDictionary<int, double> _cpu = new();
    private readonly Dictionary<int, DateTime> _lastAlert = [];
    private readonly Dictionary<string, SignalQuery> _queries;
    private readonly WebApplication _prometheus;
    private readonly KubernetesClient _client;
    private readonly ResourceClient<JsonObject> _risingWaves;
    private int _queryCount;

    private DaemonRig(FakeApiServer server, WebApplication prometheus, int clusters)
    {
        Server = server;
        _client = server.CreateClient();
        _risingWaves = _client.Resource(RisingWaveState.Resource);
        _prometheus = prometheus;
        Clusters = clusters;
        _queries = new SignalCatalogue().Queries.ToDictionary(q => q.PromQL, StringComparer.Ordinal);
    }

    public FakeApiServer Server { get; }

    public int Clusters { get; }

    public DaemonHost Host { get; private set; } = null!;

    public int Queries => Volatile.Read(ref _queryCount);

    public static ClusterRef Cluster(int i) => new(Namespace, $"rw-{i:D4}");

    public static async Task<DaemonRig> StartAsync(int clusters)
    {
        var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { HistoryLimit = 100_000 });
        server.CreateNamespace(Namespace);
        using var client = server.CreateClient();
        foreach (var path in new[] { "charts/risingwave-autoscaler/crds/risingwave.risingwavelabs.com_risingwaves.yaml", AutoscalerCrd.ChartPath })
        {
            await client.Resource(Crds).CreateAsync(YamlText.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, path)), path).Single());
        }

        DaemonRig? rig = null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        var prometheus = builder.Build();
        prometheus.Run(context => rig!.AnswerAsync(context));
        await prometheus.StartAsync();
        rig = new DaemonRig(server, prometheus, clusters);

        var risingWaves = client.Resource(RisingWaveState.Resource);
        var autoscalers = client.Resource(RisingWaveAutoscaler.Resource);
        await Parallel.ForEachAsync(Enumerable.Range(0, clusters), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var name = Cluster(i).Name;
            await risingWaves.CreateAsync(RisingWave(name), cancellationToken: ct);
            await autoscalers.CreateAsync(YamlText.Parse(Autoscaler(name), name).Single(), cancellationToken: ct);
        });
        return rig;
    }

    public async Task StartDaemonAsync()
    {
        var address = _prometheus.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Host = await DaemonHost.StartAsync(
            new DaemonOptions
            {
                Kube = Server.ClientConfig(),
                Prometheus = new PrometheusOptions { Address = new Uri(address), Timeout = TimeSpan.FromSeconds(30) },
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
        _cpu[i] = 1.5;
        Host.Scheduler.AlertActed += OnActed;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Host.Address, "webhook/alertmanager"))
            {
                Content = new StringContent(
                    $$$"""{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"BarrierLatencyHigh","namespace":"{{{Namespace}}}","risingwave_name":"{{{cluster.Name}}}"}}]}""",
                    Encoding.UTF8,
                    "application/json"),
            };
            request.Headers.Authorization = new("Bearer", "bench");
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var latency = await acted.Task.WaitAsync(TimeSpan.FromMinutes(1));

            // Back to 2 replicas, so that the next alert for this cluster scales it again.
            _cpu[i] = 0.5;
            await _risingWaves.PatchAsync(Namespace, cluster.Name, KubePatch.Merge(JsonNode.Parse(
                """{"spec":{"components":{"compute":{"nodeGroups":[{"name":"","replicas":2}]}}}}""")!));
            return latency;
        }
        finally
        {
            Host.Scheduler.AlertActed -= OnActed;
            _cpu[i] = 0.5;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await _prometheus.StopAsync();
        await _prometheus.DisposeAsync();
        _client.Dispose();
        await Server.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        Interlocked.Increment(ref _queryCount);
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
        string Param(string name) => form?[name].ToString() is { Length: > 0 } f ? f : context.Request.Query[name].ToString();
        context.Response.ContentType = "application/json";
        var (baseQuery, only) = Unrestrict(Param("query"));
        if (!_queries.TryGetValue(baseQuery, out var query))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("""{"status":"error","errorType":"bad_data","error":"unknown query"}""");
            return;
        }

        var range = context.Request.Path.Value!.EndsWith("query_range", StringComparison.Ordinal);
        var time = range ? Param("end") : Param("time");
        var text = new StringBuilder(Clusters * 160);
        text.Append("{\"status\":\"success\",\"data\":{\"resultType\":\"").Append(range ? "matrix" : "vector").Append("\",\"result\":[");
        for (var i = 0; i < Clusters; i++)
        {
            if (only is not null && !only.Contains(Cluster(i).Name))
            {
                continue;
            }

            var value = query.Signal switch
            {
                Signal.CpuUtilization => _cpu.GetValueOrDefault(i, 0.5),
                Signal.ProcessedRate or Signal.IngestRate => 1000,
                Signal.BusyRatio => 0.5,
                Signal.BarrierLatencyP99 => 0.3,
                _ => 0,
            };
            var component = query.Scope == SignalScope.Component ? ",\"risingwave_component\":\"compute\"" : "";
            var sample = $"[{time},\"{value.ToString(CultureInfo.InvariantCulture)}\"]";
            text.Append(text[^1] == '[' ? "" : ",").Append("{\"metric\":{\"namespace\":\"").Append(Namespace).Append("\",\"risingwave_name\":\"").Append(Cluster(i).Name).Append('"')
                .Append(component).Append("},").Append(range ? "\"values\":[" + sample + "]" : "\"value\":" + sample).Append('}');
        }

        text.Append("]}}");
        await context.Response.WriteAsync(text.ToString());
    }

    // A query the catalogue restricted to some clusters: the unrestricted query and the cluster names it asks for.
    private static (string Query, HashSet<string>? Names) Unrestrict(string query)
    {
        var match = System.Text.RegularExpressions.Regex.Match(query, "namespace=~\"[^\"]*\",risingwave_name=~\"([^\"]*)\"");
        if (!match.Success)
        {
            return (query, null);
        }

        var names = match.Groups[1].Value.Replace("\\", "", StringComparison.Ordinal).Split('|').ToHashSet(StringComparer.Ordinal);
        return (query.Replace("," + match.Value, "", StringComparison.Ordinal).Replace("{" + match.Value + "}", "", StringComparison.Ordinal), names);
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

    // A 1 h tick: the benchmark decides when ticks happen.
    private static string Autoscaler(string name) => $$"""
        apiVersion: rwautoscaler.dev/v1alpha1
        kind: RisingWaveAutoscaler
        metadata: {name: {{name}}, namespace: {{Namespace}}}
        spec:
          targetRef: {name: {{name}}}
          pollingInterval: 1h
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
