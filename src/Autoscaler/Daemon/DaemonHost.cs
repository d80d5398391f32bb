using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Autoscaler.Acting;
using RwAutoscaler.Autoscaler.ExternalPolicies;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Reporting;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Autoscaler.Telemetry;
using RwAutoscaler.Autoscaler.Webhook;
using Prometheus;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Events;
using RwAutoscaler.Kube.LeaderElection;
using RwAutoscaler.Kube.Sharding;
using RwAutoscaler.Kube.Watching;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>
/// The daemon, wired: informers on RisingWaveAutoscalers and RisingWaves feed the work queue; the leader (one replica,
/// by a Lease) runs the scheduler; every replica serves /healthz, /readyz, /metrics and the Alertmanager webhook.
/// Losing the lease ends the daemon (exit code 1), as controller-runtime does, so a restart starts clean.
/// </summary>
internal sealed class DaemonHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly WebApplication _http;
    private readonly KubernetesClient _client;
    private readonly PrometheusClient? _prometheus;
    private readonly PrometheusSources _sources;
    private readonly Informer<JsonObject> _autoscalerInformer;
    private readonly Informer<JsonObject> _risingWaveInformer;
    private readonly Informer<JsonObject> _podInformer;
    private readonly EventRecorder _events;
    private readonly DaemonOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly List<Task> _loops = [];
    private readonly HttpClient _forwarding = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly GrpcPolicyConnector _externalPolicies = new(enforceTimeouts: true);
    private volatile bool _leading;
    private volatile bool _failed;

    private DaemonHost(DaemonOptions options, TimeProvider time, ILoggerFactory logging, IEventSink? events)
    {
        _options = options;
        _time = time;
        _log = logging.CreateLogger("rwautoscaler");
        Metrics = new DaemonMetrics();
        _client = new KubernetesClient(options.Kube, new KubeClientOptions { TimeProvider = time, LoggerFactory = logging, RequestTimeout = TimeSpan.FromSeconds(30) });
        var catalogue = new SignalCatalogue(options.Catalogue);
        if (options.Prometheus is { } prometheus)
        {
            _prometheus = new PrometheusClient(prometheus);
        }

        var defaultSource = _prometheus is null ? null : new PrometheusMetricsSource(_prometheus, catalogue) { OnQuery = Metrics.Observe };
        _sources = new PrometheusSources(defaultSource, catalogue, _client, time, Metrics, options.AllowedPrometheusUrls);
        Hub = new MetricsHub(new MetricsStore(options.MetricsRetention), time, options.MetricsMaxAge, options.BackfillStep, _log) { RestrictToTracked = options.Shards };
        Membership = options.Shards
            ? new ShardMembership(_client, new ShardMembershipConfig
            {
                Group = options.LeaseName,
                Namespace = options.LeaseNamespace,
                Identity = options.Identity,
                LeaseDuration = options.LeaseDuration,
                RenewDeadline = options.RenewDeadline,
                RetryPeriod = options.RetryPeriod,
            }, time, _log)
            : null;
        var informerOptions = new InformerOptions { Namespace = options.Namespace };
        _autoscalerInformer = new Informer<JsonObject>(_client.Resource(RisingWaveAutoscaler.Resource), informerOptions, _log);
        _risingWaveInformer = new Informer<JsonObject>(_client.Resource(RisingWaveState.Resource), informerOptions, _log);
        _podInformer = new Informer<JsonObject>(_client.Resource(RwAutoscaler.Kube.Models.ResourceType.Pods), informerOptions with { LabelSelector = PodIndex.Selector }, _log);
        var pods = new PodIndex();
        _podInformer.Subscribe(pods.On);
        _events = new EventRecorder(_client, new EventRecorderOptions
        {
            ReportingController = RecorderEventSink.Controller,
            ReportingInstance = options.Identity.Length > 128 ? options.Identity[..128] : options.Identity,
            TimeProvider = time,
        }, _log);
        Queue = new WorkQueue(time);
        var index = new TargetIndex();
        Router = new EventRouter(Queue, index);
        _autoscalerInformer.Subscribe(Router.OnAutoscaler);
        _risingWaveInformer.Subscribe(Router.OnRisingWave);
        Reconciler = new AutoscalerReconciler(
            new InformerView(_autoscalerInformer), new InformerView(_risingWaveInformer), index, Hub, _sources,
            new RisingWaveActuator(_client, time), events ?? new RecorderEventSink(_events, Metrics), new KubeStatusWriter(_client), time, Metrics, _log,
            HostPolicies.Create(_externalPolicies))
        {
            RepeatInterval = options.RepeatInterval,
            Owns = Membership is { } membership ? key => membership.Owns($"{key.Namespace}/{key.Name}") : _ => true,
            Shard = options.Shards ? options.Identity : null,
            MaxOverrideReplicas = options.MaxOverrideReplicas,
            RescaleSettle = options.RescaleSettle ?? options.Catalogue.RateWindow,
            Pods = pods,
        };
        Scheduler = new Scheduler(Queue, Reconciler, Hub, Metrics, _log, options.Workers);
        Webhook = new AlertmanagerWebhook(options.WebhookToken, options.Catalogue, () => _leading, Router.AutoscalersOf, Router.OnAlert, time, Metrics)
        {
            MaxBody = options.WebhookMaxBody,
            Forwarder = Membership is { } member ? new AlertForwarder(member, options.WebhookToken, _forwarding) : null,
        };
        _http = BuildHttp(options);
    }

    public DaemonMetrics Metrics { get; }

    public MetricsHub Hub { get; }

    public WorkQueue Queue { get; }

    public EventRouter Router { get; }

    public AutoscalerReconciler Reconciler { get; }

    public Scheduler Scheduler { get; }

    /// <summary>This replica's shard membership, with <see cref="DaemonOptions.Shards"/>; null under a single leader.</summary>
    public ShardMembership? Membership { get; }

    public AlertmanagerWebhook Webhook { get; }

    /// <summary>Where the HTTP endpoints listen (the real port when 0 was asked).</summary>
    public Uri Address { get; private set; } = null!;

    public bool IsLeader => _leading;

    public bool IsReady => _autoscalerInformer.HasSynced && _risingWaveInformer.HasSynced && _podInformer.HasSynced;

    /// <summary>Ends with the exit code: 0 when stopped, 1 when leadership was lost or a loop failed.</summary>
    public Task<int> Completion { get; private set; } = Task.FromResult(0);

    /// <summary>Starts listening and watching, and returns; <see cref="Completion"/> says when it is over.</summary>
    public static async Task<DaemonHost> StartAsync(DaemonOptions options, TimeProvider time, ILoggerFactory logging, IEventSink? events = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var host = new DaemonHost(options, time, logging, events);
        await host._http.StartAsync(cancellationToken);
        var address = host._http.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.Address = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        if (host.Membership is { } membership)
        {
            // The others forward alerts here: the pod's IP in a cluster; a wildcard listener has no address to give.
            var wildcard = options.Listen.Address.Equals(IPAddress.Any) || options.Listen.Address.Equals(IPAddress.IPv6Any);
            membership.Address = options.AdvertiseHost is { } advertised ? new UriBuilder(host.Address) { Host = advertised }.Uri
                : wildcard ? null : host.Address;
            if (membership.Address is null)
            {
                host._log.LogWarning("--shards without POD_IP: the other replicas cannot forward alerts to this one (the chart sets POD_IP from status.podIP)");
            }
        }

        host.Completion = host.RunAsync(host._stop.Token);
        return host;
    }

    private async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        _loops.Add(Guard("autoscaler informer", _autoscalerInformer.RunAsync(cancellationToken)));
        _loops.Add(Guard("risingwave informer", _risingWaveInformer.RunAsync(cancellationToken)));
        _loops.Add(Guard("pod informer", _podInformer.RunAsync(cancellationToken)));
        _loops.Add(Guard("events", _events.RunAsync(cancellationToken)));
        try
        {
            await _autoscalerInformer.WaitForSyncAsync(cancellationToken);
            await _risingWaveInformer.WaitForSyncAsync(cancellationToken);
            await _podInformer.WaitForSyncAsync(cancellationToken);
            _log.LogInformation("caches synced: {Autoscalers} autoscalers, {RisingWaves} RisingWaves", _autoscalerInformer.Count, _risingWaveInformer.Count);
            if (Membership is { } membership)
            {
                return await ShardAsync(membership, cancellationToken);
            }

            if (!_options.LeaderElection)
            {
                await LeadAsync(cancellationToken);
                return _failed ? 1 : 0;
            }

            var elector = new LeaderElector(
                new k8s.LeaderElection.ResourceLock.LeaseLock(_client.Api, _options.LeaseNamespace, _options.LeaseName, _options.Identity),
                new LeaderElectionConfig
                {
                    Identity = _options.Identity,
                    LeaseDuration = _options.LeaseDuration,
                    RenewDeadline = _options.RenewDeadline,
                    RetryPeriod = _options.RetryPeriod,
                },
                _time,
                _log);
            var lost = await elector.RunAsync(LeadAsync, cancellationToken);
            if (lost)
            {
                _log.LogError("leadership of lease {Namespace}/{Name} lost; exiting so that a restart starts clean", _options.LeaseNamespace, _options.LeaseName);
                return 1;
            }

            return _failed ? 1 : 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return _failed ? 1 : 0;
        }
        finally
        {
            _leading = false;
            Metrics.Leader.Set(0);
        }
    }

    /// <summary>
    /// Every replica runs the scheduler, which acts only on the keys this one owns; a membership change enqueues every
    /// key, so that what moved here is evaluated at once. Losing the membership ends the process, as losing a lease does.
    /// </summary>
    private async Task<int> ShardAsync(ShardMembership membership, CancellationToken cancellationToken)
    {
        membership.Changed += () => Queue.AddRange(_autoscalerInformer.List().Select(InformerView.KeyOf), Trigger.Start);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var member = membership.RunAsync(cancellationToken);
        var work = LeadAsync(stop.Token);
        var lost = await member;
        await stop.CancelAsync();
        try
        {
            await work;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        if (lost)
        {
            _log.LogError("shard membership {Lease} lost; exiting so that a restart starts clean", membership.LeaseName);
            return 1;
        }

        return _failed ? 1 : 0;
    }

    private async Task LeadAsync(CancellationToken cancellationToken)
    {
        _leading = true;
        Metrics.Leader.Set(1);
        _log.LogInformation("leading as {Identity}", _options.Identity);
        Queue.AddRange(_autoscalerInformer.List().Select(InformerView.KeyOf), Trigger.Start);

        try
        {
            await Scheduler.RunAsync(cancellationToken);
        }
        finally
        {
            _leading = false;
            Metrics.Leader.Set(0);
        }
    }

    private async Task Guard(string name, Task loop)
    {
        try
        {
            await loop;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _failed = true;
            _log.LogCritical(e, "{Loop} failed; stopping", name);
            await _stop.CancelAsync();
        }
    }

    private WebApplication BuildHttp(DaemonOptions options)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(options.Listen);
            k.Limits.MaxRequestBodySize = Math.Max(4L * options.WebhookMaxBody, 4 << 20);
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.UseRouting();
        app.MapGet("/healthz", () => _failed ? Results.Text("a loop failed\n", statusCode: 500) : Results.Text("ok\n"));
        app.MapGet("/readyz", () => IsReady ? Results.Text("ok\n") : Results.Text("caches not synced yet\n", statusCode: 503));
        app.MapMetrics("/metrics", Metrics.Registry);
        app.Map(AlertmanagerWebhook.Path, Webhook.HandleAsync);
        return app;
    }

    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await Completion;
        await Task.WhenAll(_loops);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _http.StopAsync();
        await _http.DisposeAsync();
        _sources.Dispose();
        Scheduler.Dispose();
        _prometheus?.Dispose();
        _client.Dispose();
        _forwarding.Dispose();
        _externalPolicies.Dispose();
        _stop.Dispose();
    }
}
