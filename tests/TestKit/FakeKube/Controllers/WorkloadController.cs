using System.Globalization;
using System.Text.Json.Nodes;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// Stand-in for the Deployment and StatefulSet controllers (and the kubelets behind them): after each
/// write of a Deployment or StatefulSet it reports status.replicas, updatedReplicas, readyReplicas,
/// availableReplicas and observedGeneration for the current spec. <see cref="PodsReady"/> decides
/// whether the pods count as ready, so tests can hold a rollout and then let it finish.
/// </summary>
internal sealed class WorkloadController(ResourceOperations ops)
{
    private bool podsReady = true;

    public bool PodsReady
    {
        get => podsReady;
        set
        {
            podsReady = value;
            if (ops.Workloads == this)
            {
                Resync();
            }
        }
    }

    public void Resync()
    {
        lock (ops.Store.Gate)
        {
            foreach (var obj in ops.Store.FindAll(o => IsWorkload(o.Def)))
            {
                Observe(obj);
            }
        }
    }

    public void Observe(StoredObject stored)
    {
        if (!IsWorkload(stored.Def) || stored.Deleting)
        {
            return;
        }
        var obj = stored.ToJsonObject();
        var generation = (long?)obj["metadata"]?["generation"] ?? 1;
        var replicas = (int?)obj["spec"]?["replicas"] ?? 1;
        var ready = podsReady ? replicas : 0;
        var old = obj["status"] as JsonObject;
        var status = new JsonObject { ["observedGeneration"] = generation };
        if (stored.Def.Plural == "deployments")
        {
            SetNonZero(status, "replicas", replicas);
            SetNonZero(status, "updatedReplicas", replicas);
            SetNonZero(status, "readyReplicas", ready);
            SetNonZero(status, "availableReplicas", ready);
            SetNonZero(status, "unavailableReplicas", replicas - ready);
            status["conditions"] = new JsonArray(
                Condition(old, "Available", ready == replicas, ready == replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                    ready == replicas ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
                Condition(old, "Progressing", true, "NewReplicaSetAvailable", $"ReplicaSet \"{stored.Name}-{Revision(obj)}\" has successfully progressed."));
        }
        else
        {
            var revision = $"{stored.Name}-{Revision(obj)}";
            status["replicas"] = replicas;
            SetNonZero(status, "readyReplicas", ready);
            SetNonZero(status, "currentReplicas", replicas);
            SetNonZero(status, "updatedReplicas", replicas);
            SetNonZero(status, "availableReplicas", ready);
            status["currentRevision"] = revision;
            status["updateRevision"] = revision;
            status["collisionCount"] = 0;
        }
        ops.WriteStatus(stored, status);
    }

    private static bool IsWorkload(ResourceDefinition def) => def is { IsCustom: false, Group: "apps", Plural: "deployments" or "statefulsets" };

    private static void SetNonZero(JsonObject status, string field, int value)
    {
        // These fields are omitempty in the Go types: zero is absent on the wire.
        if (value != 0)
        {
            status[field] = value;
        }
    }

    /// <summary>A workload condition that keeps its timestamps while its status does not change.</summary>
    private JsonObject Condition(JsonObject? oldStatus, string type, bool isTrue, string reason, string message)
    {
        var value = isTrue ? "True" : "False";
        var previous = (oldStatus?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);
        var now = ops.Now;
        var transition = previous is not null && (string?)previous["status"] == value ? (string?)previous["lastTransitionTime"] ?? now : now;
        var sameAsBefore = previous is not null && (string?)previous["status"] == value && (string?)previous["reason"] == reason && (string?)previous["message"] == message;
        return new JsonObject
        {
            ["type"] = type,
            ["status"] = value,
            ["lastUpdateTime"] = sameAsBefore ? (string?)previous!["lastUpdateTime"] ?? now : now,
            ["lastTransitionTime"] = transition,
            ["reason"] = reason,
            ["message"] = message,
        };
    }

    /// <summary>A stable hash of the pod template, like the controllers' pod-template-hash.</summary>
    private static string Revision(JsonObject obj)
    {
        var template = obj["spec"]?["template"]?.ToJsonString() ?? "";
        var hash = 2166136261u;
        foreach (var c in template)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash.ToString("x8", CultureInfo.InvariantCulture);
    }
}
