using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Operator.Resources;

/// <summary>Label and annotation keys, as upstream spells them (risingwave-operator pkg/consts/consts.go).</summary>
internal static class RisingWaveLabels
{
    public const string Name = "risingwave/name";
    public const string Component = "risingwave/component";
    public const string Group = "risingwave/group";
    public const string Generation = "risingwave/generation";

    /// <summary>The generation label value of objects the operator creates once and then leaves to the user.</summary>
    public const string NoSync = "nosync";

    /// <summary>Presence alone pauses reconciliation of the RisingWave.</summary>
    public const string PauseReconcileAnnotation = "risingwave.risingwavelabs.com/pause-reconcile";

    /// <summary>Pod annotation carrying a node group's restartAt: a new value rolls the pods.</summary>
    public const string RestartAtAnnotation = "risingwave/restart-at";

    /// <summary>
    /// Ours, on every object the operator writes: a hash of what it last asked for, so that a field removed
    /// from the spec is removed from the object too (a comparison with the live object alone cannot see that).
    /// </summary>
    public const string DesiredHashAnnotation = "rwautoscaler.dev/desired-hash";
}

/// <summary>One of the four components: its workload kind and its ports (upstream consts.go).</summary>
internal sealed record ComponentKind(string Name, ResourceType Workload, IReadOnlyList<(string Name, int Port)> Ports)
{
    public static readonly ComponentKind Meta = new("meta", ResourceType.StatefulSets, [("service", 5690), ("metrics", 1250), ("dashboard", 5691)]);
    public static readonly ComponentKind Frontend = new("frontend", ResourceType.Deployments, [("service", 4567), ("metrics", 8080)]);
    public static readonly ComponentKind Compute = new("compute", ResourceType.StatefulSets, [("service", 5688), ("metrics", 1222)]);
    public static readonly ComponentKind Compactor = new("compactor", ResourceType.Deployments, [("service", 6660), ("metrics", 1260)]);

    public static IReadOnlyList<ComponentKind> All { get; } = [Meta, Frontend, Compute, Compactor];

    /// <summary>The frontend's webhook listener (enableWebhookListener, on by default).</summary>
    public const int WebhookListenerPort = 4560;

    public bool IsStatefulSet => Workload == ResourceType.StatefulSets;

    public int Port(string name) => Ports.First(p => p.Name == name).Port;

    public RisingWaveComponent? Of(RisingWaveSpec? spec) => Name switch
    {
        "meta" => spec?.Components?.Meta,
        "frontend" => spec?.Components?.Frontend,
        "compute" => spec?.Components?.Compute,
        _ => spec?.Components?.Compactor,
    };

    public IReadOnlyList<RisingWaveNodeGroup> Groups(RisingWaveSpec? spec) => Of(spec)?.NodeGroups ?? [];
}

/// <summary>Object names: <c>&lt;rw&gt;-&lt;component&gt;[-&lt;group&gt;]</c> (upstream componentName()).</summary>
internal static class RisingWaveNames
{
    public static string Component(string risingWave, ComponentKind component) => $"{risingWave}-{component.Name}";

    public static string Workload(string risingWave, ComponentKind component, string group) =>
        group.Length == 0 ? Component(risingWave, component) : $"{risingWave}-{component.Name}-{group}";

    public static string DefaultConfig(string risingWave) => $"{risingWave}-default-config";
}
