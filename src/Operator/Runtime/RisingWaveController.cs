using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Operator.Reconciliation;

namespace RwAutoscaler.Operator.Runtime;

internal sealed record ControllerOptions
{
    /// <summary>RisingWaves reconciled at once (upstream allows 64; two cores want fewer).</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Every RisingWave is reconciled at least this often, events or not.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// The plumbing around the reconciler (controller-runtime's controller): watches fill the caches and
/// queue the keys of the RisingWaves that changed, workers take keys one at a time per key, failures
/// come back with backoff, and every RisingWave is queued again each resync period.
/// </summary>
internal sealed class RisingWaveController(
    OperatorCaches caches,
    RisingWaveReconciler reconciler,
    OperatorMetrics metrics,
    TimeProvider time,
    ILogger<RisingWaveController> logger,
    ControllerOptions options)
{
    private volatile bool synced;
    private WorkQueue<RisingWaveKey>? current;

    /// <summary>The caches have listed everything once.</summary>
    public bool Synced => synced;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var queue = new WorkQueue<RisingWaveKey>(time);
        current = queue;
        void Enqueue(RisingWaveKey key)
        {
            queue.Add(key);
            metrics.QueueDepth.Set(queue.Depth);
        }

        caches.Changed += Enqueue;
        try
        {
            var watches = caches.Run(cancellationToken).ToList();
            await Task.WhenAll(caches.Synced).WaitAsync(cancellationToken);
            synced = true;
            logger.LogInformation("Caches synced: {Count} RisingWave resources", caches.RisingWaves.Count);
            var workers = Enumerable.Range(0, options.Workers).Select(_ => WorkAsync(queue, cancellationToken)).ToList();
            await Task.WhenAll(watches.Concat(workers).Append(ResyncAsync(queue, cancellationToken)));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            caches.Changed -= Enqueue;
            synced = false;
            current = null;
        }
    }

    private async Task WorkAsync(WorkQueue<RisingWaveKey> queue, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var key = await queue.TakeAsync(cancellationToken);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var result = await reconciler.ReconcileAsync(key, cancellationToken);
                queue.Forget(key);
                if (result.RequeueAfter is { } after)
                {
                    queue.AddAfter(key, after);
                    metrics.Reconciles.WithLabels("requeue").Inc();
                }
                else
                {
                    metrics.Reconciles.WithLabels("success").Inc();
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                metrics.Reconciles.WithLabels("error").Inc();
                metrics.Errors.Inc();
                logger.LogError(e, "Reconcile of {RisingWave} failed; retrying with backoff", key);
                queue.AddRateLimited(key);
            }
            finally
            {
                metrics.Duration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
                queue.Done(key);
                metrics.QueueDepth.Set(queue.Depth);
                metrics.RisingWaves.Set(caches.RisingWaves.Count);
            }
        }
    }

    /// <summary>Queues every RisingWave now, as the periodic resync does.</summary>
    public void Resync()
    {
        if (current is { } queue)
        {
            Resync(queue);
        }
    }

    private void Resync(WorkQueue<RisingWaveKey> queue)
    {
        foreach (var rw in caches.RisingWaves.List())
        {
            queue.Add(new RisingWaveKey(rw.Metadata.NamespaceProperty ?? "", rw.Metadata.Name ?? ""));
        }

        metrics.QueueDepth.Set(queue.Depth);
    }

    private async Task ResyncAsync(WorkQueue<RisingWaveKey> queue, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(options.ResyncPeriod, time, cancellationToken);
            Resync(queue);
        }
    }
}
