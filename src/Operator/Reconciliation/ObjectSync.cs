using k8s.Models;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Reactions;
using RwAutoscaler.Operator.Resources;
using RwAutoscaler.Operator.Runtime;

namespace RwAutoscaler.Operator.Reconciliation;

/// <summary>An object of ours exists under the name we need but is controlled by something else.</summary>
internal sealed class ObjectOwnershipException : Exception
{
    public ObjectOwnershipException()
    {
    }

    public ObjectOwnershipException(string message)
        : base(message)
    {
    }

    public ObjectOwnershipException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Create, update or delete one object to match what we want, reading from the cache (or, on a retry,
/// from the API server) and writing only when something differs. Writes go to the cache too.
/// </summary>
internal sealed class ObjectSync(KubernetesClient client, OperatorCaches caches, OperatorMetrics metrics)
{
    /// <summary>
    /// Makes the live object match <paramref name="desired"/>; with <paramref name="createOnly"/> an
    /// existing object is left as it is. Returns the live object after the sync.
    /// </summary>
    public async Task<JsonObject> ApplyAsync(ResourceType type, JsonObject desired, bool createOnly, string ownerUid, ReactionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(context);
        var ns = desired.GetNamespace()!;
        var name = desired.GetName()!;
        var hash = LiveComparison.Hash(desired);
        desired = (JsonObject)desired.DeepClone();
        var annotations = desired["metadata"]!["annotations"] as JsonObject ?? [];
        annotations[RisingWaveLabels.DesiredHashAnnotation] = hash;
        desired["metadata"]!["annotations"] = annotations;

        var resource = client.Resource(type);
        var cache = caches.Owned(type);
        var stamp = cache.Stamp(ns, name);
        var live = context.ReadFresh
            ? await resource.GetOrNullAsync(ns, name, cancellationToken)
            : cache.Get(ns, name);
        if (live is null)
        {
            metrics.Write("create", type.Plural);
            var created = await resource.CreateAsync(desired, ns, cancellationToken);
            cache.Remember(created, stamp);
            return created;
        }

        var controller = OperatorCaches.ControllerUid(live);
        if (controller is not null && controller != ownerUid)
        {
            throw new ObjectOwnershipException($"{type.Kind} {ns}/{name} exists and is controlled by another owner (uid {controller}); delete it or rename the RisingWave");
        }

        if (createOnly || LiveComparison.IsUpToDate(desired, hash, live))
        {
            return live;
        }

        metrics.Write("update", type.Plural);
        var updated = await resource.ReplaceAsync(Merge(live, desired), cancellationToken);
        cache.Remember(updated, stamp);
        return updated;
    }

    /// <summary>Deletes the object this exact UID names (a precondition), letting the garbage collector take its pods.</summary>
    public async Task DeleteAsync(ResourceType type, JsonObject live, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(live);
        var ns = live.GetNamespace()!;
        var name = live.GetName()!;
        var stamp = caches.Owned(type).Stamp(ns, name);
        try
        {
            metrics.Write("delete", type.Plural);
            await client.Resource(type).DeleteAsync(ns, name, new V1DeleteOptions
            {
                PropagationPolicy = "Background",
                Preconditions = new V1Preconditions { Uid = live.GetUid() },
            }, cancellationToken);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            // Gone already: what we wanted.
        }

        caches.Owned(type).Forget(ns, name, stamp);
    }

    /// <summary>
    /// The live object with our labels, annotations, owner reference and content; labels, annotations and
    /// owner references others added are kept, status and server-set metadata are left as they are.
    /// </summary>
    private static JsonObject Merge(JsonObject live, JsonObject desired)
    {
        var merged = (JsonObject)live.DeepClone();
        var meta = (JsonObject)merged["metadata"]!;
        var wanted = (JsonObject)desired["metadata"]!;
        foreach (var field in new[] { "labels", "annotations" })
        {
            var map = meta[field] as JsonObject ?? [];
            foreach (var (key, value) in (wanted[field] as JsonObject) ?? [])
            {
                map[key] = value?.DeepClone();
            }

            meta[field] = map;
        }

        // Our controller reference, and whatever non-controller owners others added.
        var ours = ((JsonArray)wanted["ownerReferences"]!).OfType<JsonObject>().ToList();
        var others = (meta["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .Where(r => ours.All(o => (string?)o["uid"] != (string?)r["uid"]) && !(r["controller"] is JsonValue c && c.TryGetValue<bool>(out var isController) && isController))
            .ToList() ?? [];
        meta["ownerReferences"] = new JsonArray([.. ours.Concat(others).Select(r => (JsonNode)r.DeepClone())]);
        foreach (var (key, value) in desired)
        {
            if (key is not ("apiVersion" or "kind" or "metadata" or "status"))
            {
                merged[key] = value?.DeepClone();
            }
        }

        return merged;
    }
}
