using Microsoft.Extensions.Logging;
using RwAutoscaler.Operator.Reactions;
using RwAutoscaler.Operator.Resources;
using RwAutoscaler.Operator.Runtime;

namespace RwAutoscaler.Operator.Reconciliation;

/// <summary>What a reconcile asks of the queue: nothing, or to be run again after a while.</summary>
internal sealed record ReconcileResult(TimeSpan? RequeueAfter = null)
{
    public static ReconcileResult Done { get; } = new();
}

/// <summary>
/// Level-based reconcile of one RisingWave, given only its key: read it (from the cache), compare the
/// cluster with what it asks for, act, write status. The event that caused the call is not known and
/// not needed. Throws when something failed; the caller requeues with backoff.
/// </summary>
internal sealed class RisingWaveReconciler(ReconcilerServices services)
{
    public async Task<ReconcileResult> ReconcileAsync(RisingWaveKey key, CancellationToken cancellationToken)
    {
        var risingWave = services.Caches.RisingWaves.Get(key.Namespace, key.Name);
        if (risingWave is null)
        {
            // Deleted: its objects go with it through their owner references.
            return ReconcileResult.Done;
        }

        if (risingWave.Metadata.Annotations?.ContainsKey(RisingWaveLabels.PauseReconcileAnnotation) == true)
        {
            services.Logger.LogInformation("Reconciliation of {RisingWave} is paused by the annotation {Annotation}", key, RisingWaveLabels.PauseReconcileAnnotation);
            return ReconcileResult.Done;
        }

        if (risingWave.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var run = new ReconcileRun(risingWave, services);
        var result = await new RisingWaveWorkflow(run).Build().RunAsync(ReactionContext.First, cancellationToken);
        return new ReconcileResult(result.RequeueAfter);
    }
}
