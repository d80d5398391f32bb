using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.Operator.Resources;

namespace RwAutoscaler.Operator.Factory;

/// <summary>
/// The pod template of one node group: the RisingWave container (command, ports, probes, environment,
/// config mount) with the group's container fields, and the group's pod fields, as upstream's
/// buildPodTemplateFromNodeGroup does.
/// </summary>
internal sealed class PodTemplateFactory(RisingWave risingWave)
{
    private const string ConfigVolume = "risingwave-config";
    private const string ConfigMountPath = "/risingwave/config";
    private const string ConfigFile = "risingwave.toml";

    // Fields of RisingWaveNodePodTemplateSpec that belong to the container; the rest belong to the pod.
    private static readonly string[] ContainerFields = ["image", "imagePullPolicy", "envFrom", "env", "resources", "volumeMounts", "volumeDevices", "securityContext"];

    private static readonly string[] PodFields =
    [
        "volumes", "activeDeadlineSeconds", "terminationGracePeriodSeconds", "dnsPolicy", "nodeSelector", "serviceAccountName",
        "automountServiceAccountToken", "hostPID", "hostIPC", "shareProcessNamespace", "imagePullSecrets", "affinity", "schedulerName",
        "tolerations", "hostAliases", "priorityClassName", "priority", "dnsConfig", "runtimeClassName", "preemptionPolicy",
        "topologySpreadConstraints", "setHostnameAsFQDN", "os", "hostUsers", "initContainers",
    ];

    private RisingWaveSpec Spec => risingWave.Spec!;

    private string Name => risingWave.Metadata.Name!;

    public JsonObject Build(ComponentKind component, RisingWaveNodeGroup group, IReadOnlyDictionary<string, string> podLabels)
    {
        var template = group.Template?.Spec is { } spec
            ? JsonSerializer.SerializeToNode(spec, OperatorJsonContext.Default.RisingWaveNodePodTemplateSpec)!.AsObject()
            : new JsonObject();

        var labels = new Dictionary<string, string>(group.Template?.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in podLabels)
        {
            labels[key] = value;
        }

        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in group.Template?.Metadata?.Annotations ?? new Dictionary<string, string>())
        {
            annotations[key] = value;
        }

        if (group.RestartAt is { Length: > 0 } restartAt)
        {
            annotations[RisingWaveLabels.RestartAtAnnotation] = restartAt;
        }

        var podSpec = new JsonObject();
        var containers = new JsonArray(Container(component, group, template));
        foreach (var extra in (template["additionalContainers"] as JsonArray) ?? [])
        {
            containers.Add(extra?.DeepClone());
        }

        podSpec["containers"] = containers;
        foreach (var field in PodFields)
        {
            if (template[field] is { } value)
            {
                podSpec[field] = value.DeepClone();
            }
        }

        if (template["podSecurityContext"] is { } podSecurity)
        {
            podSpec["securityContext"] = podSecurity.DeepClone();
        }

        var volumes = new JsonArray(ConfigVolumeSource(group));
        foreach (var volume in (podSpec["volumes"] as JsonArray) ?? [])
        {
            volumes.Add(volume?.DeepClone());
        }

        podSpec["volumes"] = volumes;

        return Json.Object(
            ("metadata", Json.Object(
                ("labels", Json.Map(labels.OrderBy(l => l.Key, StringComparer.Ordinal))),
                ("annotations", annotations.Count > 0 ? Json.Map(annotations) : null))),
            ("spec", podSpec));
    }

    private JsonObject Container(ComponentKind component, RisingWaveNodeGroup group, JsonObject template)
    {
        var container = Json.Object(
            ("name", component.Name),
            ("image", Json.String(template, "image") ?? Spec.Image),
            ("imagePullPolicy", template["imagePullPolicy"]?.DeepClone()),
            ("command", new JsonArray("/risingwave/bin/risingwave")),
            ("args", new JsonArray($"{component.Name}-node")),
            ("ports", Json.Array(ContainerPorts(component).Select(p => (JsonNode?)Json.Object(("name", p.Name), ("containerPort", p.Port), ("protocol", "TCP"))))),
            ("envFrom", template["envFrom"]?.DeepClone()),
            ("env", Environment(component, group, template)),
            ("resources", Resources(group)),
            ("volumeMounts", VolumeMounts(template)),
            ("volumeDevices", template["volumeDevices"]?.DeepClone()),
            ("securityContext", template["securityContext"]?.DeepClone()),
            ("startupProbe", Probe(periodSeconds: 10, failureThreshold: component == ComponentKind.Compute ? 36 : 12)),
            ("livenessProbe", Probe(periodSeconds: 10, failureThreshold: 3)),
            ("readinessProbe", Probe(periodSeconds: 5, failureThreshold: 3)));
        return container;
    }

    private IEnumerable<(string Name, int Port)> ContainerPorts(ComponentKind component)
    {
        foreach (var port in component.Ports)
        {
            yield return port;
        }

        if (component == ComponentKind.Frontend && Spec.EnableWebhookListener != false)
        {
            yield return ("http", ComponentKind.WebhookListenerPort);
        }
    }

    private static JsonObject Probe(int periodSeconds, int failureThreshold) => Json.Object(
        ("tcpSocket", Json.Object(("port", "service"))),
        ("periodSeconds", periodSeconds),
        ("failureThreshold", failureThreshold));

    /// <summary>The operator's variables first, then the group's; a group variable replaces ours of the same name.</summary>
    private JsonArray Environment(ComponentKind component, RisingWaveNodeGroup group, JsonObject template)
    {
        var user = (template["env"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var userNames = user.Select(e => Json.String(e, "name")).ToHashSet(StringComparer.Ordinal);
        var ours = OperatorEnvironment(component, group).Where(e => !userNames.Contains(Json.String(e, "name")));
        return Json.Array(ours.Concat(user.Select(e => e.DeepClone().AsObject())));
    }

    private IEnumerable<JsonObject> OperatorEnvironment(ComponentKind component, RisingWaveNodeGroup group)
    {
        var settings = component.Of(Spec);
        yield return Json.EnvValue("RUST_LOG", settings?.LogLevel ?? "INFO");
        yield return Json.EnvValue("RUST_BACKTRACE", settings?.DisallowPrintStackTraces == true ? "0" : "1");
        yield return Json.EnvField("POD_IP", "status.podIP");
        yield return Json.EnvField("POD_NAME", "metadata.name");
        yield return Json.EnvValue("RW_CONFIG_PATH", $"{ConfigMountPath}/{ConfigFile}");

        var service = component.Port("service");
        yield return Json.EnvValue("RW_LISTEN_ADDR", $"0.0.0.0:{service}");
        yield return Json.EnvValue("RW_ADVERTISE_ADDR", AdvertiseAddress(component, service));
        if (component == ComponentKind.Meta)
        {
            yield return Json.EnvValue("RW_DASHBOARD_HOST", $"0.0.0.0:{component.Port("dashboard")}");
            yield return Json.EnvValue("RW_PROMETHEUS_HOST", $"0.0.0.0:{component.Port("metrics")}");
            foreach (var env in StoreEnvironment.MetaStore(Spec.MetaStore))
            {
                yield return env;
            }
        }
        else
        {
            yield return Json.EnvValue("RW_PROMETHEUS_LISTENER_ADDR", $"0.0.0.0:{component.Port("metrics")}");
            yield return Json.EnvValue("RW_META_ADDR", $"load-balance+http://{ServiceHost(ComponentKind.Meta)}:{ComponentKind.Meta.Port("service")}");
        }

        if (component != ComponentKind.Frontend)
        {
            foreach (var env in StoreEnvironment.StateStore(Spec.StateStore))
            {
                yield return env;
            }
        }

        foreach (var env in ResourceEnvironment(component, group))
        {
            yield return env;
        }
    }

    /// <summary>RW_PARALLELISM and RW_TOTAL_MEMORY_BYTES (compute), RW_WORKER_THREADS (all), from the limits (envsForResourceLimits).</summary>
    private static IEnumerable<JsonObject> ResourceEnvironment(ComponentKind component, RisingWaveNodeGroup group)
    {
        var limits = group.Template?.Spec?.Resources?.Limits;
        if (limits is not null && limits.TryGetValue("cpu", out var cpu) && cpu.TryGetValue(out var cores) && cores > 0)
        {
            var whole = (long)Math.Ceiling(cores);
            if (component == ComponentKind.Compute)
            {
                yield return Json.EnvValue("RW_PARALLELISM", whole.ToString(CultureInfo.InvariantCulture));
            }

            yield return Json.EnvValue("RW_WORKER_THREADS", Math.Max(whole, 4).ToString(CultureInfo.InvariantCulture));
        }

        if (component == ComponentKind.Compute && limits is not null && limits.TryGetValue("memory", out var memory) && memory.TryGetValue(out var bytes) && bytes > 0)
        {
            yield return Json.EnvValue("RW_TOTAL_MEMORY_BYTES", ((long)Math.Floor(bytes)).ToString(CultureInfo.InvariantCulture));
        }

        if (component == ComponentKind.Compute && group.Name is { Length: > 0 } resourceGroup)
        {
            yield return Json.EnvValue("RW_RESOURCE_GROUP", resourceGroup);
        }
    }

    private string AdvertiseAddress(ComponentKind component, int port)
    {
        var statefulIdentity = component.IsStatefulSet && Spec.EnableAdvertisingWithIP != true;
        return statefulIdentity ? $"$(POD_NAME).{ServiceHost(component)}:{port}" : $"$(POD_IP):{port}";
    }

    private string ServiceHost(ComponentKind component)
    {
        var service = RisingWaveNames.Component(Name, component);
        return Spec.EnableFullKubernetesAddr == true ? $"{service}.{risingWave.Metadata.NamespaceProperty}.svc" : service;
    }

    private static JsonObject? Resources(RisingWaveNodeGroup group)
    {
        var resources = group.Template?.Spec?.Resources;
        if (resources is null)
        {
            return null;
        }

        // Quantities as strings, the form the API server stores them in.
        static JsonObject? Amounts(IReadOnlyDictionary<string, Quantity>? amounts) =>
            amounts is null ? null : Json.Map(amounts.Select(a => KeyValuePair.Create(a.Key, a.Value.Text)));

        return Json.Object(
            ("limits", Amounts(resources.Limits)),
            ("requests", Amounts(resources.Requests)),
            ("claims", resources.Claims is null ? null : Json.Array(resources.Claims.Select(c => (JsonNode?)c.DeepClone()))));
    }

    private static JsonArray VolumeMounts(JsonObject template)
    {
        var mounts = new JsonArray(Json.Object(("name", ConfigVolume), ("mountPath", ConfigMountPath), ("readOnly", true)));
        foreach (var mount in (template["volumeMounts"] as JsonArray) ?? [])
        {
            mounts.Add(mount?.DeepClone());
        }

        return mounts;
    }

    /// <summary>risingwave.toml from the group's configuration, else the spec's, else the default ConfigMap.</summary>
    private JsonObject ConfigVolumeSource(RisingWaveNodeGroup group)
    {
        var configuration = group.Configuration ?? Spec.Configuration;
        if (configuration?.Secret is { Name.Length: > 0 } secret)
        {
            return Json.Object(
                ("name", ConfigVolume),
                ("secret", Json.Object(
                    ("secretName", secret.Name),
                    ("items", new JsonArray(Json.Object(("key", secret.Key ?? ConfigFile), ("path", ConfigFile)))),
                    ("optional", secret.Optional))));
        }

        var configMap = configuration?.ConfigMap is { Name.Length: > 0 } source ? source : null;
        return Json.Object(
            ("name", ConfigVolume),
            ("configMap", Json.Object(
                ("name", configMap?.Name ?? RisingWaveNames.DefaultConfig(Name)),
                ("items", new JsonArray(Json.Object(("key", configMap?.Key ?? ConfigFile), ("path", ConfigFile)))),
                ("optional", configMap?.Optional))));
    }
}
