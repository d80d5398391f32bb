using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Resources;

/// <summary>One node group of a component as the RisingWave resource has it.</summary>
internal sealed record NodeGroupState
{
    public required ComponentKind Kind { get; init; }

    public required string Name { get; init; }

    /// <summary>Position in <c>spec.components.&lt;c&gt;.nodeGroups</c>: where a JSON patch writes.</summary>
    public required int Index { get; init; }

    /// <summary><c>replicas</c> of the group; null when the field is absent (the operator reads that as 0).</summary>
    public int? Replicas { get; init; }

    /// <summary>Ready pods of the group from <c>status.componentReplicas.&lt;c&gt;.groups[]</c>, when reported.</summary>
    public int? Running { get; init; }

    /// <summary>The container's CPU limit (what the operator turns into RW_PARALLELISM).</summary>
    public double? CoresPerReplica { get; init; }
}

/// <summary>A RisingWaveScaleView lock on some groups, from <c>status.scaleViews[]</c> (risingwave.md section 1.2).</summary>
internal sealed record ScaleViewLock(string Name, ComponentKind Kind, IReadOnlyList<string> Groups);

/// <summary>What the daemon needs to see of a component: its replicas, its progress, and how to change it.</summary>
internal sealed record ComponentState
{
    public required ComponentKey Key { get; init; }

    /// <summary>Replicas asked for: the group's, or the sum of the groups a ScaleView locks with it.</summary>
    public required int Target { get; init; }

    public required int Running { get; init; }

    public bool RescaleInProgress { get; init; }

    public double? CoresPerReplica { get; init; }

    /// <summary>The ScaleView that locks the group: replicas then change through its scale subresource.</summary>
    public string? ScaleView { get; init; }
}

/// <summary>
/// A RisingWave resource (risingwave.risingwavelabs.com/v1alpha1) read defensively: any field may be missing or of the
/// wrong type, in which case it counts as absent; reading never throws. The upstream CRD keeps replicas per node group
/// only (risingwave.md section 1.1).
/// </summary>
internal sealed record RisingWaveState
{
    public const string Group = "risingwave.risingwavelabs.com";
    public const string PauseReconcile = "risingwave.risingwavelabs.com/pause-reconcile";

    public static ResourceType Resource { get; } = new(Group, "v1alpha1", "risingwaves", "RisingWave");

    public static ResourceType ScaleViewResource { get; } = new(Group, "v1alpha1", "risingwavescaleviews", "RisingWaveScaleView");

    public required ClusterRef Ref { get; init; }

    public string? Uid { get; init; }

    public string? ResourceVersion { get; init; }

    public long Generation { get; init; }

    public long? ObservedGeneration { get; init; }

    /// <summary>The operator is still carrying out a spec change (condition Upgrading=True).</summary>
    public bool Upgrading { get; init; }

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<NodeGroupState> NodeGroups { get; init; } = [];

    public IReadOnlyList<ScaleViewLock> ScaleViews { get; init; } = [];

    /// <summary>Component totals from <c>status.componentReplicas</c>.</summary>
    public IReadOnlyDictionary<ComponentKind, (int? Target, int? Running)> Totals { get; init; } = new Dictionary<ComponentKind, (int?, int?)>();

    /// <summary>The operator's own pause: while present, nothing the daemon writes would be carried out.</summary>
    public bool OperatorPaused => Annotations.ContainsKey(PauseReconcile);

    public NodeGroupState? FindGroup(ComponentKey key) =>
        NodeGroups.FirstOrDefault(g => g.Kind == key.Kind && g.Name == key.Group);

    /// <summary>The component as the engine should see it; null when the RisingWave has no such node group.</summary>
    public ComponentState? Component(ComponentKey key)
    {
        if (FindGroup(key) is not { } group)
        {
            return null;
        }

        var lockedBy = ScaleViews.FirstOrDefault(v => v.Kind == key.Kind && v.Groups.Contains(key.Group));
        var groups = lockedBy is null
            ? [group]
            : NodeGroups.Where(g => g.Kind == key.Kind && lockedBy.Groups.Contains(g.Name)).ToList();
        var target = groups.Sum(g => g.Replicas ?? 0);
        int running;
        if (groups.All(g => g.Running is not null))
        {
            running = groups.Sum(g => g.Running!.Value);
        }
        else if (NodeGroups.Count(g => g.Kind == key.Kind) == groups.Count && Totals.TryGetValue(key.Kind, out var total) && total.Running is { } r)
        {
            running = r;
        }
        else
        {
            running = target;
        }

        var settling = ObservedGeneration is { } observed && observed != Generation;
        return new ComponentState
        {
            Key = key,
            Target = target,
            Running = running,
            RescaleInProgress = settling || Upgrading || running != target,
            CoresPerReplica = group.CoresPerReplica,
            ScaleView = lockedBy?.Name,
        };
    }

    public static RisingWaveState From(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var metadata = obj["metadata"] as JsonObject;
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (At(metadata, "annotations") is JsonObject a)
        {
            foreach (var (key, value) in a)
            {
                if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                {
                    annotations[key] = v.GetValue<string>();
                }
            }
        }

        var status = obj["status"] as JsonObject;
        var groups = new List<NodeGroupState>();
        var totals = new Dictionary<ComponentKind, (int?, int?)>();
        foreach (var kind in new[] { ComponentKind.Compute, ComponentKind.Compactor })
        {
            var replicasStatus = At(status, "componentReplicas", kind.ToName()) as JsonObject;
            totals[kind] = (Int(replicasStatus?["target"]), Int(replicasStatus?["running"]));
            var runningByGroup = new Dictionary<string, int>(StringComparer.Ordinal);
            if (replicasStatus?["groups"] is JsonArray statusGroups)
            {
                foreach (var g in statusGroups.OfType<JsonObject>())
                {
                    if (Str(g["name"]) is { } n && Int(g["running"]) is { } running)
                    {
                        runningByGroup[n] = running;
                    }
                }
            }

            if (At(obj, "spec", "components", kind.ToName(), "nodeGroups") is not JsonArray nodeGroups)
            {
                continue;
            }

            for (var i = 0; i < nodeGroups.Count; i++)
            {
                if (nodeGroups[i] is not JsonObject g)
                {
                    continue;
                }

                var name = Str(g["name"]) ?? "";
                groups.Add(new NodeGroupState
                {
                    Kind = kind,
                    Name = name,
                    Index = i,
                    Replicas = Int(g["replicas"]),
                    Running = runningByGroup.TryGetValue(name, out var r) ? r : null,
                    CoresPerReplica = Cpu(At(g, "template", "spec", "resources", "limits", "cpu")),
                });
            }
        }

        var views = new List<ScaleViewLock>();
        if (At(status, "scaleViews") is JsonArray locks)
        {
            foreach (var l in locks.OfType<JsonObject>())
            {
                if (Str(l["name"]) is { } name && ComponentKindNames.TryParse(Str(l["component"]), out var kind))
                {
                    var locked = (l["groupLocks"] as JsonArray)?.OfType<JsonObject>().Select(g => Str(g["name"]) ?? "").ToList() ?? [];
                    views.Add(new ScaleViewLock(name, kind, locked));
                }
            }
        }

        var upgrading = At(status, "conditions") is JsonArray conditions
            && conditions.OfType<JsonObject>().Any(c => Str(c["type"]) == "Upgrading" && Str(c["status"]) == "True");
        return new RisingWaveState
        {
            Ref = new ClusterRef(Str(At(metadata, "namespace")) ?? "default", Str(At(metadata, "name")) ?? ""),
            Uid = Str(At(metadata, "uid")),
            ResourceVersion = Str(At(metadata, "resourceVersion")),
            Generation = Long(At(metadata, "generation")) ?? 0,
            ObservedGeneration = Long(At(status, "observedGeneration")),
            Upgrading = upgrading,
            Annotations = annotations,
            NodeGroups = groups,
            ScaleViews = views,
            Totals = totals,
        };
    }

    // Navigates objects only: a field of the wrong type reads as absent instead of throwing.
    private static JsonNode? At(JsonNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(key, out var child) ? child : null;
        }

        return node;
    }

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static long? Long(JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        if (v.TryGetValue<long>(out var n))
        {
            return n;
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }

        return v.TryGetValue<double>(out var x) && x == Math.Floor(x) && Math.Abs(x) < 9e15 ? (long)x : null;
    }

    private static int? Int(JsonNode? node) => Long(node) is { } n && n is >= 0 and <= int.MaxValue ? (int)n : null;

    /// <summary>A Kubernetes CPU quantity: "8", "2.5", "500m"; anything else is unknown.</summary>
    internal static double? Cpu(JsonNode? node)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var number))
        {
            return number > 0 ? number : null;
        }

        if (Str(node) is not { Length: > 0 } text)
        {
            return null;
        }

        var milli = text.EndsWith('m');
        return double.TryParse(milli ? text[..^1] : text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value > 0
            ? (milli ? value / 1000 : value)
            : null;
    }
}
