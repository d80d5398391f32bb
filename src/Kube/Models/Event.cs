using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Kube.Models;

/// <summary>events.k8s.io/v1 Event. eventTime is a required MicroTime.</summary>
public sealed record Event : IKubernetesObject<Event>
{
    public string? ApiVersion { get; set; } = "events.k8s.io/v1";

    public string? Kind { get; set; } = "Event";

    public ObjectMeta Metadata { get; init; } = new();

    [JsonConverter(typeof(KubeMicroTimeConverter))]
    public DateTimeOffset EventTime { get; init; }

    public EventSeries? Series { get; init; }

    public string? ReportingController { get; init; }

    public string? ReportingInstance { get; init; }

    public string? Action { get; init; }

    public string? Reason { get; init; }

    public ObjectReference? Regarding { get; init; }

    public ObjectReference? Related { get; init; }

    public string? Note { get; init; }

    /// <summary>Normal or Warning.</summary>
    public string? Type { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    public static ResourceType Resource => ResourceType.Events;

    public static JsonTypeInfo<Event> JsonTypeInfo => KubeJsonContext.Default.Event;

    public static JsonTypeInfo<ResourceList<Event>> ListJsonTypeInfo => KubeJsonContext.Default.ResourceListEvent;
}

public sealed record EventSeries
{
    public int Count { get; init; }

    [JsonConverter(typeof(KubeMicroTimeConverter))]
    public DateTimeOffset LastObservedTime { get; init; }
}
