using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Hosting.Logging;
using Prometheus;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Events;
using RwAutoscaler.Kube.LeaderElection;
using RwAutoscaler.Operator.Reconciliation;
using RwAutoscaler.Operator.Runtime;

namespace RwAutoscaler.Operator.Hosting;

/// <summary>The operator process: JSON logs, the controller (under leader election), /healthz, /readyz, /metrics.</summary>
internal static class OperatorHost
{
    /// <summary>reportingController of the events this operator records.</summary>
    public const string ReportingController = "rwautoscaler.dev/rw-operator";

    public static WebApplication Build(OperatorSettings settings, TextWriter? logOutput = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(settings.Listen);
        builder.Services.AddJsonLogging(JsonLogging.CreateLogger(settings.LogLevel, logOutput));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(global::Prometheus.Metrics.NewCustomRegistry());
        builder.Services.AddSingleton<OperatorMetrics>();
        builder.Services.AddSingleton(services => new KubernetesClient(settings.Kube, new KubeClientOptions
        {
            UserAgent = "rw-operator",
            LoggerFactory = services.GetRequiredService<ILoggerFactory>(),
        }));
        builder.Services.AddSingleton(services => new OperatorCaches(services.GetRequiredService<KubernetesClient>(), services.GetRequiredService<ILoggerFactory>()));
        var identity = LeaderElectionConfig.DefaultIdentity();
        builder.Services.AddSingleton(services => new EventRecorder(
            services.GetRequiredService<KubernetesClient>(),
            new EventRecorderOptions { ReportingController = ReportingController, ReportingInstance = identity, TimeProvider = services.GetRequiredService<TimeProvider>() },
            services.GetRequiredService<ILogger<EventRecorder>>()));
        builder.Services.AddSingleton(services => new RisingWaveReconciler(new ReconcilerServices(
            services.GetRequiredService<KubernetesClient>(),
            services.GetRequiredService<OperatorCaches>(),
            new ObjectSync(services.GetRequiredService<KubernetesClient>(), services.GetRequiredService<OperatorCaches>(), services.GetRequiredService<OperatorMetrics>()),
            services.GetRequiredService<EventRecorder>(),
            services.GetRequiredService<OperatorMetrics>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<RisingWaveReconciler>>(),
            new ReconcilerOptions())));
        builder.Services.AddSingleton(services => new RisingWaveController(
            services.GetRequiredService<OperatorCaches>(),
            services.GetRequiredService<RisingWaveReconciler>(),
            services.GetRequiredService<OperatorMetrics>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<RisingWaveController>>(),
            new ControllerOptions { Workers = settings.Workers, ResyncPeriod = settings.ResyncPeriod }));
        builder.Services.AddSingleton<ILeaderOnlyService, ControllerService>();
        builder.Services.AddSingleton<ILeaderOnlyService, EventService>();
        if (settings.LeaderElection)
        {
            builder.Services.AddSingleton(services => new LeaderElector(
                new k8s.LeaderElection.ResourceLock.LeaseLock(services.GetRequiredService<KubernetesClient>().Api, settings.LeaseNamespace, settings.LeaseName, identity),
                new LeaderElectionConfig { Identity = identity },
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILogger<LeaderElector>>()));
            builder.Services.AddHostedService<LeaderElectionService>();
        }
        else
        {
            builder.Services.AddHostedService<UnelectedService>();
        }

        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        // Ready once the caches are synced, or while waiting for the lease as a standby.
        app.MapGet("/readyz", (RisingWaveController controller, OperatorMetrics metrics) =>
            controller.Synced || (settings.LeaderElection && metrics.Leader.Value == 0) ? Results.Text("ok") : Results.Text("caches not synced", statusCode: 503));
        app.MapMetrics("/metrics", app.Services.GetRequiredService<CollectorRegistry>());
        return app;
    }
}
