using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Kube.Client;

/// <summary>Decodes one line of a watch stream; an ERROR line becomes the exception its Status describes.</summary>
internal static class WatchDecoder
{
    public static WatchEvent<T> Decode<T>(string line, JsonTypeInfo<T> typeInfo)
    {
        var raw = JsonSerializer.Deserialize(line, KubeInternalJsonContext.Default.RawWatchEvent)
            ?? throw new JsonException("a watch line was null");
        var type = raw.Type switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => throw new KubeApiException(raw.Object.Deserialize(KubeJsonContext.Default.Status)
                ?? new Models.Status { Outcome = "Failure", Message = "watch ERROR event without a Status" }),
            _ => throw new JsonException($"unknown watch event type '{raw.Type}'"),
        };
        var obj = raw.Object.Deserialize(typeInfo) ?? throw new JsonException($"watch {raw.Type} event without an object");
        return new WatchEvent<T>(type, obj);
    }
}
