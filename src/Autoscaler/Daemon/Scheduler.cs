using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Telemetry;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>
/// The leader's loop: take every cluster that is due, bring their signals up to date with one fetch per Prometheus
/// (fresh when an alert asked), evaluate them on a few workers, and queue each one's next tick. Two batches may run at
/// once, so that an alert arriving during a long tick of many clusters is not queued behind it (the queue never hands
/// a cluster to both). An evaluation that throws is logged and retried later; it never stops the loop.
/// </summary>
internal sealed class Scheduler(WorkQueue queue, AutoscalerReconciler reconciler, MetricsHub hub, DaemonMetrics metrics, ILogger log, int workers = 4) : IDisposable
{
    private int _batches;

    /// <summary>Batches run so far (tests and the benchmark watch it).</summary>
    public int Batches => Volatile.Read(ref _batches);

    /// <summary>Raised after each batch with the number of clusters it held.</summary>
    public event Action<int>? BatchDone;

    /// <summary>Raised when an evaluation an alert asked for wrote a change: the time from the alert's arrival to the write.</summary>
    public event Action<ClusterRef, TimeSpan>? AlertActed;

    private readonly SemaphoreSlim _fetching = new(1, 1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var running = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (running.Count >= 2)
                {
                    running.Remove(await Task.WhenAny(running));
                }

                IReadOnlyList<WorkItem> batch;
                try
                {
                    batch = await queue.TakeAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                running.RemoveAll(t => t.IsCompleted);
                running.Add(RunBatchAsync(batch, cancellationToken));
            }
        }
        finally
        {
            await Task.WhenAll(running);
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
                    metrics.Evaluations.WithLabels(trigger.ToString().ToLowerInvariant()).Inc();
                }
            }

            if (reconciler.NeedOf(item.Key) is { } need)
            {
                needs.Add(need);
            }
        }

        try
        {
            // One fetch at a time: the hub fills the store that evaluations read, and it is not re-entrant.
            await _fetching.WaitAsync(cancellationToken);
            try
            {
                await hub.RefreshAsync(needs, fresh: batch.Any(i => i.Triggers.HasFlag(Trigger.Alert)), cancellationToken);
            }
            finally
            {
                _fetching.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
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
                        queue.AddAt(item.Key, Trigger.Tick, outcome.EvaluatedAt + next);
                    }

                    if (outcome.Superseded && item.AlertAt is { } alerted)
                    {
                        // The cache was behind a write made meanwhile: look again shortly, still on the alert's account.
                        queue.Add(item.Key, Trigger.Alert, TimeSpan.FromMilliseconds(100), alerted);
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
        Interlocked.Increment(ref _batches);
        BatchDone?.Invoke(batch.Count);
    }

    public void Dispose() => _fetching.Dispose();
}
