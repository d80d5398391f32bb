using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Kube.Models;

/// <summary>core/v1 Namespace.</summary>
public sealed record Namespace : IKubernetesObject<Namespace>
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "Namespace";

    public ObjectMeta Metadata { get; init; } = new();

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    public static ResourceType Resource => ResourceType.Namespaces;

    public static JsonTypeInfo<Namespace> JsonTypeInfo => KubeJsonContext.Default.Namespace;

    public static JsonTypeInfo<ResourceList<Namespace>> ListJsonTypeInfo => KubeJsonContext.Default.ResourceListNamespace;
}

/// <summary>core/v1 ConfigMap.</summary>
public sealed record ConfigMap : IKubernetesObject<ConfigMap>
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "ConfigMap";

    public ObjectMeta Metadata { get; init; } = new();

    public IReadOnlyDictionary<string, string>? Data { get; init; }

    public IReadOnlyDictionary<string, string>? BinaryData { get; init; }

    public bool? Immutable { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    public static ResourceType Resource => ResourceType.ConfigMaps;

    public static JsonTypeInfo<ConfigMap> JsonTypeInfo => KubeJsonContext.Default.ConfigMap;

    public static JsonTypeInfo<ResourceList<ConfigMap>> ListJsonTypeInfo => KubeJsonContext.Default.ResourceListConfigMap;
}

/// <summary>core/v1 Service.</summary>
public sealed record Service : IKubernetesObject<Service>
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "Service";

    public ObjectMeta Metadata { get; init; } = new();

    public ServiceSpec? Spec { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    public static ResourceType Resource => ResourceType.Services;

    public static JsonTypeInfo<Service> JsonTypeInfo => KubeJsonContext.Default.Service;

    public static JsonTypeInfo<ResourceList<Service>> ListJsonTypeInfo => KubeJsonContext.Default.ResourceListService;
}

public sealed record ServiceSpec
{
    /// <summary>ClusterIP (default), NodePort, LoadBalancer or ExternalName.</summary>
    public string? Type { get; init; }

    public IReadOnlyDictionary<string, string>? Selector { get; init; }

    public IReadOnlyList<ServicePort>? Ports { get; init; }

    /// <summary>"None" makes a headless service (what a StatefulSet's serviceName points at).</summary>
    public string? ClusterIP { get; init; }

    public bool? PublishNotReadyAddresses { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

public sealed record ServicePort
{
    public string? Name { get; init; }

    public required int Port { get; init; }

    public IntOrString? TargetPort { get; init; }

    public string? Protocol { get; init; }

    public int? NodePort { get; init; }
}

/// <summary>core/v1 Pod, minimal: enough to list pods by label and read their phase and readiness.</summary>
public sealed record Pod : IKubernetesObject<Pod>
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "Pod";

    public ObjectMeta Metadata { get; init; } = new();

    public PodSpec? Spec { get; init; }

    public PodStatus? Status { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    public static ResourceType Resource => ResourceType.Pods;

    public static JsonTypeInfo<Pod> JsonTypeInfo => KubeJsonContext.Default.Pod;

    public static JsonTypeInfo<ResourceList<Pod>> ListJsonTypeInfo => KubeJsonContext.Default.ResourceListPod;
}
