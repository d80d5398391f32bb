using Prometheus;

namespace RwAutoscaler.Operator.Runtime;

/// <summary>The operator's own metrics, named after controller-runtime's, with the project prefix.</summary>
internal sealed class OperatorMetrics
{
    public OperatorMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
        var factory = global::Prometheus.Metrics.WithCustomRegistry(registry);
        Reconciles = factory.CreateCounter("rwautoscaler_operator_reconcile_total", "Reconciles of RisingWave resources, by result (success, requeue, error).", "result");
        Errors = factory.CreateCounter("rwautoscaler_operator_reconcile_errors_total", "Reconciles that failed and were requeued with backoff.");
        Duration = factory.CreateHistogram("rwautoscaler_operator_reconcile_time_seconds", "Time to reconcile one RisingWave.",
            new HistogramConfiguration { Buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        Writes = factory.CreateCounter("rwautoscaler_operator_api_writes_total", "Writes of objects and status sent to the API server, by verb and resource (events not included).", "verb", "resource");
        QueueDepth = factory.CreateGauge("rwautoscaler_operator_workqueue_depth", "RisingWave keys waiting to be reconciled.");
        Leader = factory.CreateGauge("rwautoscaler_operator_leader", "1 while this instance holds the leader lease.");
        Leader.Set(0);
        RisingWaves = factory.CreateGauge("rwautoscaler_operator_risingwaves", "RisingWave resources in the cache.");
    }

    public CollectorRegistry Registry { get; }

    public Counter Reconciles { get; }

    public Counter Errors { get; }

    public Histogram Duration { get; }

    public Counter Writes { get; }

    public Gauge QueueDepth { get; }

    public Gauge Leader { get; }

    public Gauge RisingWaves { get; }

    public void Write(string verb, string resource) => Writes.WithLabels(verb, resource).Inc();
}
