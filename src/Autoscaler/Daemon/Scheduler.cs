using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Telemetry;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>
/// The leader's loop: take every cluster that is due, bring their signals up to date with one fetch per Prometheus
/// (fresh when an alert asked), evaluate them on a few workers, and queue each one's next tick. An evaluation that
/// throws is logged and retried later; it never stops the loop.
/// </summary>
internal sealed class Scheduler(WorkQueue queue, AutoscalerReconciler reconciler, MetricsHub hub, DaemonMetrics metrics, ILogger log, int workers = 4)
{
    /// <summary>Batches run so far (tests and the benchmark watch it).</summary>
    public int Batches { get; private set; }

    /// <summary>Raised after each batch with the number of clusters it held.</summary>
    public event Action<int>? BatchDone;

    /// <summary>Raised when an evaluation an alert asked for wrote a change: the time from the alert's arrival to the write.</summary>
    public event Action<ClusterRef, TimeSpan>? AlertActed;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            IReadOnlyList<WorkItem> batch;
            try
            {
                batch = await queue.TakeAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            await RunBatchAsync(batch, cancellationToken);
        }
    }

    internal async Task RunBatchAsync(IReadOnlyList<WorkItem> batch, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        metrics.QueueDepth.Set(queue.Ready);
        metrics.QueueScheduled.Set(queue.Scheduled);
        var needs = new List<MetricsNeed>(batch.Count);
        foreach (var item in batch)
        {
            foreach (Trigger trigger in Enum.GetValues<Trigger>())
            {
                if (trigger != Trigger.None && item.Triggers.HasFlag(trigger))
                {
                    metrics.Evaluations.Inc(1, trigger.ToString().ToLowerInvariant());
                }
            }

            if (reconciler.NeedOf(item.Key) is { } need)
            {
                needs.Add(need);
            }
        }

        try
        {
            await hub.RefreshAsync(needs, fresh: batch.Any(i => i.Triggers.HasFlag(Trigger.Alert)), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "fetching signals failed; clusters are evaluated with what is known");
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(batch, options, async (item, ct) =>
            {
                try
                {
                    var outcome = await reconciler.ReconcileAsync(item.Key, ct);
                    if (item.AlertAt is { } alertAt && outcome.ScaledAt is { } scaledAt)
                    {
                        var latency = scaledAt - alertAt;
                        metrics.AlertToPatchSeconds.Observe(Math.Max(0, latency.TotalSeconds));
                        AlertActed?.Invoke(item.Key, latency);
                    }

                    if (outcome.Next is { } next)
                    {
                        queue.Add(item.Key, Trigger.Tick, next);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    log.LogError(e, "{Autoscaler}: evaluation failed; trying again in 10s", item.Key);
                    queue.Add(item.Key, Trigger.Retry, TimeSpan.FromSeconds(10));
                }
                finally
                {
                    queue.Done(item.Key);
                }
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        metrics.TickSeconds.Observe(clock.Elapsed.TotalSeconds);
        metrics.Clusters.Set(reconciler.Known);
        Batches++;
        BatchDone?.Invoke(batch.Count);
    }
}
