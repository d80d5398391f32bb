using System.Net;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using k8s;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>Everything <c>autoscaler run</c> is told (docs/daemon.md lists the flags).</summary>
internal sealed record DaemonOptions
{
    public required KubernetesClientConfiguration Kube { get; init; }

    /// <summary>Watch one namespace; null watches all.</summary>
    public string? Namespace { get; init; }

    /// <summary>The default Prometheus; autoscalers without <c>spec.prometheus</c> read from it.</summary>
    public PrometheusOptions? Prometheus { get; init; }

    public CatalogueOptions Catalogue { get; init; } = new();

    /// <summary>Where /healthz, /readyz, /metrics and the webhook listen.</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Any, 8080);

    /// <summary>The webhook's bearer token; without one the webhook refuses every request.</summary>
    public byte[] WebhookToken { get; init; } = [];

    public int WebhookMaxBody { get; init; } = 1 << 20;

    public bool LeaderElection { get; init; } = true;

    /// <summary>
    /// Shards instead of one leader: every replica holds a membership Lease in the lease namespace (group named by
    /// <see cref="LeaseName"/>) and acts on the autoscalers rendezvous hashing gives it.
    /// </summary>
    public bool Shards { get; init; }

    /// <summary>
    /// With shards, the host (the pod's IP) at which the other replicas reach this one's webhook, written on its
    /// membership Lease; null advertises the listening address.
    /// </summary>
    public string? AdvertiseHost { get; init; }

    public string LeaseNamespace { get; init; } = "default";

    public string LeaseName { get; init; } = "rwautoscaler";

    public string Identity { get; init; } = $"{Environment.MachineName}_{Guid.NewGuid()}";

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>An instant fetch younger than this is reused by evaluations that are not about an alert.</summary>
    public TimeSpan MetricsMaxAge { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How much signal history is kept per cluster (and backfilled for a cluster seen first).</summary>
    public TimeSpan MetricsRetention { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan BackfillStep { get; init; } = TimeSpan.FromSeconds(15);

    public int Workers { get; init; } = 4;

    /// <summary>Addresses a RisingWaveAutoscaler's spec.prometheus may name; empty allows none (the default Prometheus is always used).</summary>
    public IReadOnlyList<Uri> AllowedPrometheusUrls { get; init; } = [];

    /// <summary>The largest replica count an override annotation may pin or bound to; more is refused and holds the component.</summary>
    public int MaxOverrideReplicas { get; init; } = Overrides.OverrideAnnotations.DefaultMaxReplicas;

    /// <summary>How long a component still holds after a rescale ends; null means the catalogue's rate window.</summary>
    public TimeSpan? RescaleSettle { get; init; }

    /// <summary>A dry-run decision or a skipped change that persists is published as an event at most this often.</summary>
    public TimeSpan RepeatInterval { get; init; } = TimeSpan.FromMinutes(10);
}
