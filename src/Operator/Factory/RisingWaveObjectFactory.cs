using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Resources;

namespace RwAutoscaler.Operator.Factory;

/// <summary>
/// The objects one RisingWave asks for, as the API server should store them: the default ConfigMap, a
/// Service per component, and a workload per node group (StatefulSet for meta and compute, Deployment
/// for frontend and compactor), each controlled by the RisingWave through an owner reference. Pure: the
/// same RisingWave gives the same JSON, property for property, which is what makes a second reconcile
/// write nothing.
/// </summary>
internal sealed class RisingWaveObjectFactory(RisingWave risingWave)
{
    private readonly PodTemplateFactory pods = new(risingWave);

    private string Name => risingWave.Metadata.Name!;

    private string Namespace => risingWave.Metadata.NamespaceProperty!;

    private RisingWaveSpec Spec => risingWave.Spec!;

    /// <summary>Created once with an empty risingwave.toml, then left to the user (upstream labels it "nosync").</summary>
    public JsonObject DefaultConfigMap() => Json.Object(
        ("apiVersion", "v1"),
        ("kind", "ConfigMap"),
        ("metadata", Metadata(RisingWaveNames.DefaultConfig(Name), new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [RisingWaveLabels.Name] = Name,
            [RisingWaveLabels.Component] = "config",
            [RisingWaveLabels.Generation] = RisingWaveLabels.NoSync,
        })),
        ("data", Json.Object(("risingwave.toml", ""))));

    /// <summary>One Service per component, selecting the pods of all its groups; headless except the frontend's.</summary>
    public JsonObject Service(ComponentKind component)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [RisingWaveLabels.Name] = Name,
            [RisingWaveLabels.Component] = component.Name,
        };
        var extra = component == ComponentKind.Frontend ? Spec.AdditionalFrontendServiceMetadata
            : component == ComponentKind.Meta ? Spec.AdditionalMetaServiceMetadata
            : null;
        foreach (var (key, value) in extra?.Labels ?? new Dictionary<string, string>())
        {
            labels.TryAdd(key, value);
        }

        var ports = component.Ports.ToList();
        if (component == ComponentKind.Frontend && Spec.EnableWebhookListener != false)
        {
            ports.Add(("http", ComponentKind.WebhookListenerPort));
        }

        var frontend = component == ComponentKind.Frontend;
        return Json.Object(
            ("apiVersion", "v1"),
            ("kind", "Service"),
            ("metadata", Metadata(RisingWaveNames.Component(Name, component), labels, extra?.Annotations)),
            ("spec", Json.Object(
                ("type", frontend ? Spec.FrontendServiceType ?? "ClusterIP" : "ClusterIP"),
                ("clusterIP", frontend ? null : "None"),
                ("selector", Json.Map(PodSelector(component))),
                ("ports", Json.Array(ports.Select(p => (JsonNode?)Json.Object(
                    ("name", p.Name), ("protocol", "TCP"), ("port", p.Port), ("targetPort", p.Name))))))));
    }

    public JsonObject Workload(ComponentKind component, RisingWaveNodeGroup group)
    {
        var groupName = group.Name ?? "";
        var selector = PodSelector(component, groupName);
        var metadata = Metadata(RisingWaveNames.Workload(Name, component, groupName), selector);
        var template = pods.Build(component, group, selector);
        var spec = component.IsStatefulSet
            ? Json.Object(
                ("replicas", group.Replicas ?? 0),
                ("selector", Json.Object(("matchLabels", Json.Map(selector)))),
                ("serviceName", RisingWaveNames.Component(Name, component)),
                ("podManagementPolicy", component == ComponentKind.Compute ? "Parallel" : null),
                ("updateStrategy", StatefulSetStrategy(group.UpgradeStrategy)),
                ("minReadySeconds", group.MinReadySeconds),
                ("volumeClaimTemplates", group.VolumeClaimTemplates is { Count: > 0 } claims ? Json.Array(claims.Select(c => (JsonNode?)c.DeepClone())) : null),
                ("persistentVolumeClaimRetentionPolicy", group.PersistentVolumeClaimRetentionPolicy?.DeepClone()),
                ("template", template))
            : Json.Object(
                ("replicas", group.Replicas ?? 0),
                ("selector", Json.Object(("matchLabels", Json.Map(selector)))),
                ("strategy", DeploymentStrategy(group.UpgradeStrategy)),
                ("minReadySeconds", group.MinReadySeconds),
                ("progressDeadlineSeconds", group.ProgressDeadlineSeconds),
                ("template", template));
        return Json.Object(
            ("apiVersion", component.Workload.ApiVersion),
            ("kind", component.Workload.Kind),
            ("metadata", metadata),
            ("spec", spec));
    }

    /// <summary>The labels of a component's pods, which its Service selects.</summary>
    public SortedDictionary<string, string> PodSelector(ComponentKind component) => new(StringComparer.Ordinal)
    {
        [RisingWaveLabels.Name] = Name,
        [RisingWaveLabels.Component] = component.Name,
    };

    /// <summary>The labels of one group's pods and workload, which the workload selects.</summary>
    public SortedDictionary<string, string> PodSelector(ComponentKind component, string group) => new(StringComparer.Ordinal)
    {
        [RisingWaveLabels.Name] = Name,
        [RisingWaveLabels.Component] = component.Name,
        [RisingWaveLabels.Group] = group,
    };

    private JsonObject Metadata(string name, IEnumerable<KeyValuePair<string, string>> labels, IReadOnlyDictionary<string, string>? annotations = null) => Json.Object(
        ("name", name),
        ("namespace", Namespace),
        ("labels", Json.Map(labels)),
        ("annotations", annotations is { Count: > 0 } ? Json.Map(annotations.OrderBy(a => a.Key, StringComparer.Ordinal)) : null),
        ("ownerReferences", new JsonArray(OwnerReference())));

    /// <summary>controller-runtime's SetControllerReference: controller and blockOwnerDeletion set.</summary>
    private JsonObject OwnerReference() => Json.Object(
        ("apiVersion", RisingWaveResource.Type.ApiVersion),
        ("kind", RisingWaveResource.Type.Kind),
        ("name", Name),
        ("uid", risingWave.Metadata.Uid),
        ("controller", true),
        ("blockOwnerDeletion", true));

    private static JsonObject? DeploymentStrategy(RisingWaveUpgradeStrategy? strategy) => strategy?.Type switch
    {
        "Recreate" => Json.Object(("type", "Recreate")),
        null when strategy?.RollingUpdate is null => null,
        _ => Json.Object(
            ("type", "RollingUpdate"),
            ("rollingUpdate", strategy?.RollingUpdate is { } rolling
                ? Json.Object(("maxUnavailable", IntOrString(rolling.MaxUnavailable)), ("maxSurge", IntOrString(rolling.MaxSurge)))
                : null)),
    };

    /// <summary>StatefulSets roll one pod at a time; only an absolute partition carries over.</summary>
    private static JsonObject? StatefulSetStrategy(RisingWaveUpgradeStrategy? strategy) =>
        strategy?.RollingUpdate?.Partition is { IsInt: true } partition
            ? Json.Object(("type", "RollingUpdate"), ("rollingUpdate", Json.Object(("partition", partition.IntValue))))
            : null;

    private static JsonNode? IntOrString(Kube.Json.IntOrString? value) => value switch
    {
        null => null,
        { IsInt: true } v => v.IntValue,
        { } v => v.StringValue,
    };
}
