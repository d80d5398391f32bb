using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Kube.Watching;
using RwAutoscaler.Operator.Resources;

namespace RwAutoscaler.Operator.Runtime;

/// <summary>The namespace and name of a RisingWave: the unit of work.</summary>
internal readonly record struct RisingWaveKey(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>
/// What the operator watches: RisingWaves, and the kinds it creates for them (only objects carrying the
/// risingwave/name label, so the caches stay as small as the clusters they serve). A change to any of
/// them is reported as the key of the RisingWave it belongs to.
/// </summary>
internal sealed class OperatorCaches
{
    /// <summary>Kinds the operator owns, each watched through its own cache.</summary>
    public static IReadOnlyList<ResourceType> OwnedTypes { get; } =
        [ResourceType.StatefulSets, ResourceType.Deployments, ResourceType.Services, ResourceType.ConfigMaps];

    private readonly Dictionary<ResourceType, ObjectCache<JsonObject>> owned = [];

    public OperatorCaches(KubernetesClient client, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(loggers);
        RisingWaves = new ObjectCache<RisingWave>(
            new Informer<RisingWave>(client.Resource<RisingWave>(), new InformerOptions(), loggers.CreateLogger("Informer<RisingWave>")),
            rw => new(rw.Metadata.NamespaceProperty ?? "", rw.Metadata.Name ?? ""));
        RisingWaves.Changed += rw => Changed?.Invoke(new RisingWaveKey(rw.Metadata.NamespaceProperty ?? "", rw.Metadata.Name ?? ""));
        foreach (var type in OwnedTypes)
        {
            var cache = new ObjectCache<JsonObject>(
                new Informer<JsonObject>(client.Resource(type), new InformerOptions { LabelSelector = RisingWaveLabels.Name }, loggers.CreateLogger($"Informer<{type.Kind}>")),
                o => new(o.GetNamespace() ?? "", o.GetName() ?? ""),
                ControllerUid);
            cache.Changed += o =>
            {
                if (OwnerOf(o) is { } key)
                {
                    Changed?.Invoke(key);
                }
            };
            owned[type] = cache;
        }
    }

    /// <summary>A RisingWave, or something it owns, changed.</summary>
    public event Action<RisingWaveKey>? Changed;

    public ObjectCache<RisingWave> RisingWaves { get; }

    public ObjectCache<JsonObject> Owned(ResourceType type) => owned[type];

    public IEnumerable<Task> Synced => owned.Values.Select(c => c.Synced).Append(RisingWaves.Synced);

    public IEnumerable<Task> Run(CancellationToken cancellationToken) =>
        owned.Values.Select(c => c.RunAsync(cancellationToken)).Append(RisingWaves.RunAsync(cancellationToken));

    /// <summary>The objects of one kind controlled by the RisingWave with this UID.</summary>
    public IReadOnlyList<JsonObject> ControlledBy(ResourceType type, string uid) => owned[type].ControlledBy(uid);

    /// <summary>The RisingWave named by the object's controller reference, if it has one.</summary>
    public static RisingWaveKey? OwnerOf(JsonObject obj)
    {
        var controller = ControllerReference(obj);
        return controller is not null && (string?)controller["kind"] == RisingWaveResource.Type.Kind
            && (string?)controller["apiVersion"] == RisingWaveResource.Type.ApiVersion
            ? new RisingWaveKey(obj.GetNamespace() ?? "", (string?)controller["name"] ?? "")
            : null;
    }

    public static string? ControllerUid(JsonObject obj) => (string?)ControllerReference(obj)?["uid"];

    private static JsonObject? ControllerReference(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(r => r["controller"] is JsonValue c && c.TryGetValue<bool>(out var isController) && isController);
}
