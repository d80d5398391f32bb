using RwAutoscaler.Autoscaler.Metrics;
using Prometheus;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Telemetry;

/// <summary>The daemon's own metrics at <c>/metrics</c> (prefix <c>rwautoscaler_</c>), checked by <c>promtool check metrics</c>.</summary>
internal sealed class DaemonMetrics
{
    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public DaemonMetrics(CollectorRegistry? registry = null)
    {
        Registry = registry ?? global::Prometheus.Metrics.NewCustomRegistry();

        // process_cpu_seconds_total, dotnet_total_memory_bytes and the rest, as every controller exports: how big a
        // replica's share of the clusters may be is read from them (docs/operations.md, sizing).
        DotNetStats.Register(Registry);
        var factory = global::Prometheus.Metrics.WithCustomRegistry(Registry);
        Decisions = factory.CreateCounter("rwautoscaler_decisions_total",
            "Decisions that change replicas, by outcome: scaled, dry_run, skipped (operator paused), superseded, failed.",
            "namespace", "name", "component", "direction", "outcome");
        Evaluations = factory.CreateCounter("rwautoscaler_evaluations_total", "Evaluations of a cluster, by what triggered them.", "trigger");
        DesiredReplicas = factory.CreateGauge("rwautoscaler_desired_replicas", "Replicas the last decision wants.", "namespace", "name", "component");
        CurrentReplicas = factory.CreateGauge("rwautoscaler_current_replicas", "Replicas the RisingWave asks for now.", "namespace", "name", "component");
        RunningReplicas = factory.CreateGauge("rwautoscaler_running_replicas", "Replicas running (ready) now.", "namespace", "name", "component");
        MetricsAvailable = factory.CreateGauge("rwautoscaler_metrics_available", "1 when the signals the policies need could be read.", "namespace", "name");
        EvaluationSeconds = factory.CreateHistogram("rwautoscaler_evaluation_duration_seconds", "Time to evaluate one cluster (observe, decide, act, report).", new HistogramConfiguration { Buckets = SecondsBuckets });
        TickSeconds = factory.CreateHistogram("rwautoscaler_batch_duration_seconds", "Time to fetch the signals and evaluate every cluster of a batch.", new HistogramConfiguration { Buckets = SecondsBuckets });
        AlertToPatchSeconds = factory.CreateHistogram("rwautoscaler_alert_to_patch_seconds", "From an alert arriving at the webhook to the replica change being written.", new HistogramConfiguration { Buckets = SecondsBuckets });
        Queries = factory.CreateCounter("rwautoscaler_prometheus_queries_total", "PromQL queries sent, by signal.", "signal");
        QueryErrors = factory.CreateCounter("rwautoscaler_prometheus_query_errors_total", "PromQL queries that failed, by signal.", "signal");
        QueryWarnings = factory.CreateCounter("rwautoscaler_prometheus_query_warnings_total", "PromQL answers that carried warnings (possibly partial), by signal.", "signal");
        QuerySeconds = factory.CreateHistogram("rwautoscaler_prometheus_query_duration_seconds", "PromQL query latency.", new HistogramConfiguration { Buckets = SecondsBuckets });
        QueueDepth = factory.CreateGauge("rwautoscaler_queue_depth", "Clusters due for evaluation and waiting for a worker.");
        QueueScheduled = factory.CreateGauge("rwautoscaler_queue_scheduled", "Clusters waiting for their next tick or retry.");
        Alerts = factory.CreateCounter("rwautoscaler_webhook_alerts_total", "Alerts received at the webhook, by result: evaluated, forwarded (to the shard that owns the autoscaler), not_owned, unknown_cluster, resolved, unlabelled.", "result");
        WebhookRequests = factory.CreateCounter("rwautoscaler_webhook_requests_total", "Webhook requests by HTTP status code.", "code");
        Events = factory.CreateCounter("rwautoscaler_events_total", "Kubernetes events published, by reason.", "reason");
        Leader = factory.CreateGauge("rwautoscaler_leader", "1 while this replica holds the lease and acts.");
        Clusters = factory.CreateGauge("rwautoscaler_clusters", "RisingWaveAutoscalers known to the daemon.");
    }

    public CollectorRegistry Registry { get; }

    public Counter Decisions { get; }

    public Counter Evaluations { get; }

    public Gauge DesiredReplicas { get; }

    public Gauge CurrentReplicas { get; }

    public Gauge RunningReplicas { get; }

    public Gauge MetricsAvailable { get; }

    public Histogram EvaluationSeconds { get; }

    public Histogram TickSeconds { get; }

    public Histogram AlertToPatchSeconds { get; }

    public Counter Queries { get; }

    public Counter QueryErrors { get; }

    public Counter QueryWarnings { get; }

    public Histogram QuerySeconds { get; }

    public Gauge QueueDepth { get; }

    public Gauge QueueScheduled { get; }

    public Counter Alerts { get; }

    public Counter WebhookRequests { get; }

    public Counter Events { get; }

    public Gauge Leader { get; }

    public Gauge Clusters { get; }

    public void Observe(SignalFetch fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        var signal = fetch.Signal.Name;
        Queries.WithLabels(signal).Inc();
        QuerySeconds.Observe(fetch.Duration.TotalSeconds);
        if (!fetch.Ok)
        {
            QueryErrors.WithLabels(signal).Inc();
        }

        if (fetch.Warnings.Count > 0)
        {
            QueryWarnings.WithLabels(signal).Inc();
        }
    }

    /// <summary>Drops the per-cluster series of a cluster that is gone.</summary>
    public void Forget(ClusterRef cluster)
    {
        foreach (var kind in new[] { ComponentKind.Compute, ComponentKind.Compactor })
        {
            DesiredReplicas.RemoveLabelled(cluster.Namespace, cluster.Name, kind.ToName());
            CurrentReplicas.RemoveLabelled(cluster.Namespace, cluster.Name, kind.ToName());
            RunningReplicas.RemoveLabelled(cluster.Namespace, cluster.Name, kind.ToName());
        }

        MetricsAvailable.RemoveLabelled(cluster.Namespace, cluster.Name);
    }
}
