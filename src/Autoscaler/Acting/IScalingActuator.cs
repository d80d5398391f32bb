using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Acting;

/// <summary>Change one component's replicas from what the decision saw to what it wants.</summary>
/// <param name="Overrides">
/// The override annotations the decision was made under (<see cref="Overrides.OverrideAnnotations.Fingerprint"/>);
/// null skips the check (hosts without annotations). The actuator writes nothing if they changed since.
/// </param>
internal sealed record ScaleRequest(ClusterRef Cluster, ComponentKey Component, int From, int To, string? Overrides = null);

internal enum ActuationOutcome
{
    /// <summary>The change was written.</summary>
    Scaled,
    /// <summary>Not written on purpose (the operator's pause-reconcile annotation is set).</summary>
    Skipped,
    /// <summary>Someone else changed the replicas since the decision: nothing written; the change itself triggers a new evaluation.</summary>
    Superseded,
    /// <summary>The API refused or could not be reached.</summary>
    Failed,
}

internal sealed record ActuationResult(ActuationOutcome Outcome, string Message, string? ScaleView = null, int Attempts = 1)
{
    public bool Scaled => Outcome == ActuationOutcome.Scaled;
}

/// <summary>Writes replica changes. Implementations never throw for API errors: the result says what happened.</summary>
internal interface IScalingActuator
{
    Task<ActuationResult> ScaleAsync(ScaleRequest request, CancellationToken cancellationToken);
}
