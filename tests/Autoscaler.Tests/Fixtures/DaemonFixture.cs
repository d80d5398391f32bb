using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Autoscaler.Daemon;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Hosting.Logging;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Autoscaler.Tests.Fixtures;

/// <summary>
/// The daemon as it runs in a cluster, against the fake API server and a Prometheus API (fake, or real when given),
/// with its JSON log captured. Times are short (1 s ticks) so that tests finish in seconds.
/// </summary>
internal sealed class DaemonFixture : IAsyncDisposable
{
    public const string Token = "s3cret-webhook-token";
    private readonly ILoggerFactory _logging;
    private readonly StringWriter _logWriter;

    private DaemonFixture(KubeFixture kube, FakePrometheusApi? prometheus, ILoggerFactory logging, StringWriter logWriter)
    {
        Kube = kube;
        Prometheus = prometheus;
        _logging = logging;
        _logWriter = logWriter;
    }

    public KubeFixture Kube { get; }

    public FakePrometheusApi? Prometheus { get; }

    public DaemonHost Host { get; private set; } = null!;

    /// <summary>The daemon's JSON log so far, one object per line.</summary>
    public string Logs
    {
        get
        {
            lock (_logWriter)
            {
                return _logWriter.ToString();
            }
        }
    }

    public static async Task<DaemonFixture> StartAsync(Func<DaemonOptions, DaemonOptions>? configure = null, Uri? prometheus = null)
    {
        var kube = await KubeFixture.StartAsync();
        var fake = prometheus is null ? await FakePrometheusApi.StartAsync() : null;
        var writer = new StringWriter();
        var logging = JsonLogging.CreateFactory(JsonLogging.CreateLogger(Serilog.Events.LogEventLevel.Debug, writer));
        var fixture = new DaemonFixture(kube, fake, logging, writer);
        fixture.Host = await DaemonHost.StartAsync(fixture.Options(prometheus ?? fake!.Address, configure), TimeProvider.System, fixture._logging);
        return fixture;
    }

    public DaemonOptions Options(Uri prometheus, Func<DaemonOptions, DaemonOptions>? configure = null)
    {
        var options = new DaemonOptions
        {
            Kube = Kube.Server.ClientConfig(),
            Prometheus = new PrometheusOptions { Address = prometheus, Timeout = TimeSpan.FromSeconds(2) },
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            WebhookToken = Encoding.UTF8.GetBytes(Token),
            LeaderElection = false,
            MetricsMaxAge = TimeSpan.FromMilliseconds(500),
            MetricsRetention = TimeSpan.FromMinutes(5),
            BackfillStep = TimeSpan.FromSeconds(5),
            RepeatInterval = TimeSpan.FromMinutes(10),
        };
        return configure is null ? options : configure(options);
    }

    /// <summary>Starts another daemon replica on the same API server and Prometheus.</summary>
    public Task<DaemonHost> StartReplicaAsync(Func<DaemonOptions, DaemonOptions>? configure = null) =>
        DaemonHost.StartAsync(Options(Prometheus!.Address, configure), TimeProvider.System, _logging);

    public async Task ApplyAsync(string yaml)
    {
        foreach (var doc in YamlText.Parse(yaml, "test"))
        {
            var client = (string?)doc["kind"] == "RisingWave" ? Kube.RisingWaves : Kube.Autoscalers;
            await client.CreateAsync(doc);
        }
    }

    public async Task<int> ComputeReplicasAsync(string name = "rw") =>
        RisingWaveState.From(await Kube.RisingWaves.GetAsync("streaming", name)).FindGroup(Policies.Model.ComponentKey.Compute)!.Replicas ?? 0;

    public async Task<JsonObject> AutoscalerAsync(string name = "rw-autoscaler") => await Kube.Autoscalers.GetAsync("streaming", name);

    public static string? Condition(JsonObject autoscaler, string type) =>
        (autoscaler["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type)?["status"]?.ToString();

    public static string? ConditionReason(JsonObject autoscaler, string type) =>
        (autoscaler["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type)?["reason"]?.ToString();

    public IReadOnlyList<JsonObject> Events(string? reason = null) =>
        Kube.Server.ListObjects(ResourceType.Events, "streaming").Where(e => reason is null || (string?)e["reason"] == reason).ToList();

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"not within {seconds}s: {what}");
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (Prometheus is not null)
        {
            await Prometheus.DisposeAsync();
        }

        await Kube.DisposeAsync();
        _logging.Dispose();
    }
}
