using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Watching;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>
/// Turns watch events into work: an autoscaler's spec or annotations changing, and its RisingWave's spec, annotations
/// or replica status changing, queue the autoscaler. Status-only writes to the autoscaler (our own) are ignored, so
/// that writing status never loops back into an evaluation. A RisingWave whose running replicas reach the target is
/// queued as the end of a rescale.
/// </summary>
internal sealed class EventRouter(WorkQueue queue, TargetIndex index)
{
    public void OnAutoscaler(InformerEvent<JsonObject> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var key = InformerView.KeyOf(e.Object);
        switch (e.Type)
        {
            case InformerEventType.Deleted:
                index.Delete(key);
                queue.Add(key, Trigger.Watch);
                break;
            case InformerEventType.Added:
                index.Set(e.Object);
                queue.Add(key, Trigger.Watch);
                break;
            default:
                index.Set(e.Object);
                if (e.Previous is null || Changed(e.Previous, e.Object, "spec") || MetadataChanged(e.Previous, e.Object))
                {
                    queue.Add(key, Trigger.Watch);
                }

                break;
        }
    }

    public void OnRisingWave(InformerEvent<JsonObject> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var trigger = e.Type != InformerEventType.Updated || e.Previous is null ? Trigger.Watch : Classify(e.Previous, e.Object);
        if (trigger == Trigger.None)
        {
            return;
        }

        foreach (var autoscaler in index.AutoscalersOf(InformerView.KeyOf(e.Object)))
        {
            queue.Add(autoscaler, trigger);
        }
    }

    /// <summary>The autoscalers that size this RisingWave.</summary>
    public IReadOnlyList<ClusterRef> AutoscalersOf(ClusterRef risingWave) => index.AutoscalersOf(risingWave);

    /// <summary>An alert named this autoscaler's cluster: evaluate it now.</summary>
    public void OnAlert(ClusterRef autoscaler, DateTimeOffset receivedAt) => queue.Add(autoscaler, Trigger.Alert, alertAt: receivedAt);

    internal static Trigger Classify(JsonObject before, JsonObject after)
    {
        if (Changed(before, after, "spec") || MetadataChanged(before, after))
        {
            return Trigger.Watch;
        }

        var statusBefore = before["status"] as JsonObject;
        var statusAfter = after["status"] as JsonObject;
        if (JsonNode.DeepEquals(statusBefore?["componentReplicas"], statusAfter?["componentReplicas"])
            && JsonNode.DeepEquals(statusBefore?["observedGeneration"], statusAfter?["observedGeneration"])
            && JsonNode.DeepEquals(statusBefore?["conditions"], statusAfter?["conditions"])
            && JsonNode.DeepEquals(statusBefore?["scaleViews"], statusAfter?["scaleViews"]))
        {
            return Trigger.None;
        }

        return Settled(before) is false && Settled(after) is true ? Trigger.RescaleEnd : Trigger.Watch;
    }

    // Every component's running replicas equal its target, and the operator has seen the latest spec.
    private static bool? Settled(JsonObject obj)
    {
        if (obj["status"] is not JsonObject status || status["componentReplicas"] is not JsonObject replicas)
        {
            return null;
        }

        if (status["observedGeneration"]?.ToJsonString() != obj["metadata"]?["generation"]?.ToJsonString())
        {
            return false;
        }

        foreach (var (_, component) in replicas)
        {
            if (component is JsonObject c && c["target"]?.ToJsonString() != c["running"]?.ToJsonString())
            {
                return false;
            }
        }

        return true;
    }

    private static bool Changed(JsonObject before, JsonObject after, string field) => !JsonNode.DeepEquals(before[field], after[field]);

    private static bool MetadataChanged(JsonObject before, JsonObject after) =>
        before.GetGeneration() != after.GetGeneration()
        || !JsonNode.DeepEquals(before["metadata"]?["annotations"], after["metadata"]?["annotations"])
        || !JsonNode.DeepEquals(before["metadata"]?["deletionTimestamp"], after["metadata"]?["deletionTimestamp"]);
}
