using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Factory;
using RwAutoscaler.Operator.Resources;
using RwAutoscaler.Operator.Runtime;
using RwAutoscaler.Operator.Validation;

namespace RwAutoscaler.Operator.Reconciliation;

/// <summary>
/// One reconcile of one RisingWave: the resource as read, the spec's errors, every object it asks for
/// (computed up front, before reactions run in parallel), the stale workloads to delete, what the syncs
/// found, and the status being built.
/// </summary>
internal sealed class ReconcileRun
{
    public ReconcileRun(RisingWave risingWave, ReconcilerServices services)
    {
        RisingWave = risingWave;
        Services = services;
        Errors = SpecValidator.Validate(risingWave);
        Status = new StatusBuilder(risingWave.Status, services.Time);
        if (Errors.Count > 0)
        {
            return;
        }

        var factory = new RisingWaveObjectFactory(risingWave);
        DesiredConfigMap = factory.DefaultConfigMap();
        foreach (var component in ComponentKind.All)
        {
            DesiredServices[component] = factory.Service(component);
            var groups = component.Groups(risingWave.Spec);
            DesiredWorkloads[component] = groups.ToDictionary(g => g.Name ?? "", g => factory.Workload(component, g), StringComparer.Ordinal);
            var expected = DesiredWorkloads[component].ToDictionary(d => d.Key, d => d.Value.GetName(), StringComparer.Ordinal);
            StaleWorkloads[component] = Workloads(component)
                .Where(w => !expected.TryGetValue(GroupOf(w), out var name) || name != w.GetName())
                .ToList();
        }
    }

    public RisingWave RisingWave { get; }

    public ReconcilerServices Services { get; }

    public RisingWaveKey Key => new(Namespace, Name);

    public string Namespace => RisingWave.Metadata.NamespaceProperty ?? "";

    public string Name => RisingWave.Metadata.Name ?? "";

    public string Uid => RisingWave.Metadata.Uid ?? "";

    public long Generation => RisingWave.Metadata.Generation ?? 0;

    public IReadOnlyList<FieldError> Errors { get; }

    public StatusBuilder Status { get; }

    public JsonObject? DesiredConfigMap { get; }

    public Dictionary<ComponentKind, JsonObject> DesiredServices { get; } = [];

    /// <summary>Per component, per group name, the workload it asks for.</summary>
    public Dictionary<ComponentKind, Dictionary<string, JsonObject>> DesiredWorkloads { get; } = [];

    /// <summary>Per component, workloads of ours that no group asks for any more (a removed group, a renamed object).</summary>
    public Dictionary<ComponentKind, IReadOnlyList<JsonObject>> StaleWorkloads { get; } = [];

    /// <summary>Workloads as the syncs left them, per component and group.</summary>
    public ConcurrentDictionary<(ComponentKind Component, string Group), JsonObject> LiveWorkloads { get; } = new();

    /// <summary>The workloads of a component controlled by this RisingWave, as the cache has them.</summary>
    public IReadOnlyList<JsonObject> Workloads(ComponentKind component) =>
        Services.Caches.ControlledBy(component.Workload, Uid)
            .Where(w => w["metadata"]?["labels"]?[RisingWaveLabels.Component] is JsonValue c && (string?)c == component.Name)
            .ToList();

    public bool Exists(ResourceType type, string name) =>
        Services.Caches.Owned(type).Get(Namespace, name) is { } live && OperatorCaches.ControllerUid(live) == Uid;

    public static string GroupOf(JsonObject workload) => (string?)workload["metadata"]?["labels"]?[RisingWaveLabels.Group] ?? "";
}
