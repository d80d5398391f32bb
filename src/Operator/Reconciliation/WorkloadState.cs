using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Operator.Reconciliation;

/// <summary>What a Deployment's or StatefulSet's status says (fields are omitempty: absent means 0).</summary>
internal static class WorkloadState
{
    public static int ReadyReplicas(JsonObject workload) => Int(workload["status"]?["readyReplicas"]);

    /// <summary>
    /// The controller has seen the current spec and every replica runs it and is ready (upstream
    /// utils.IsDeploymentRolledOut / IsStatefulSetRolledOut).
    /// </summary>
    public static bool IsRolledOut(JsonObject workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var status = workload["status"] as JsonObject;
        if (status is null)
        {
            return false;
        }

        var generation = workload.GetGeneration() ?? 0;
        var observed = (long?)Long(status["observedGeneration"]) ?? 0;
        var wanted = workload["spec"]?["replicas"] is JsonValue r && r.TryGetValue<int>(out var replicas) ? replicas : 1;
        var rolledOut = observed >= generation
            && Int(status["replicas"]) == wanted
            && Int(status["updatedReplicas"]) == wanted
            && Int(status["readyReplicas"]) == wanted;
        if ((string?)workload["kind"] == "Deployment")
        {
            return rolledOut && Int(status["availableReplicas"]) == wanted;
        }

        var current = (string?)status["currentRevision"];
        var update = (string?)status["updateRevision"];
        return rolledOut && (current is null || update is null || current == update);
    }

    private static int Int(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;

    private static long? Long(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;
}
