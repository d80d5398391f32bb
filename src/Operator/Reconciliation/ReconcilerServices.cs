using Microsoft.Extensions.Logging;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Events;
using RwAutoscaler.Operator.Runtime;

namespace RwAutoscaler.Operator.Reconciliation;

/// <summary>Timeouts and retries of the reactions.</summary>
internal sealed record ReconcilerOptions
{
    /// <summary>Longest one sub-resource's sync (read, compare, write) may take.</summary>
    public TimeSpan SubResourceTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs of a write in all when it meets a conflict; each retry reads afresh.</summary>
    public int ConflictAttempts { get; init; } = 4;

    public TimeSpan ConflictBackoff { get; init; } = TimeSpan.FromMilliseconds(10);
}

/// <summary>What every reconcile uses.</summary>
internal sealed record ReconcilerServices(
    KubernetesClient Client,
    OperatorCaches Caches,
    ObjectSync Sync,
    IEventRecorder Events,
    OperatorMetrics Metrics,
    TimeProvider Time,
    ILogger Logger,
    ReconcilerOptions Options);
