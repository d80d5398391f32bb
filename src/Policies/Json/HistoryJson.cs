using System.Collections.Immutable;
using System.Text.Json;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Json;

/// <summary>Reads and writes scaling history (past decisions and actions) in the documented JSON contract.</summary>
public static class HistoryJson
{
    public static ImmutableArray<HistoryEntry> Parse(string json)
    {
        using var document = ObservationJson.Document(json);
        return Read(document.RootElement, "");
    }

    public static ImmutableArray<HistoryEntry> Read(JsonElement root, string path)
    {
        JsonRead.Object(root, path.Length == 0 ? "(root)" : path);
        ObservationJson.Known(root, path, "entries");
        var entriesPath = JsonRead.Join(path, "entries");
        var entries = ImmutableArray.CreateBuilder<HistoryEntry>();
        var index = 0;
        foreach (var item in JsonRead.Array(JsonRead.Required(root, "entries", path), entriesPath))
        {
            var itemPath = $"{entriesPath}[{index++}]";
            JsonRead.Object(item, itemPath);
            ObservationJson.Known(item, itemPath, "time", "component", "group", "from", "to", "recommended", "acted", "reason");
            var from = JsonRead.Integer(JsonRead.Required(item, "from", itemPath), JsonRead.Join(itemPath, "from"));
            var to = JsonRead.Integer(JsonRead.Required(item, "to", itemPath), JsonRead.Join(itemPath, "to"));
            var entry = new HistoryEntry
            {
                Time = JsonRead.Time(JsonRead.Required(item, "time", itemPath), JsonRead.Join(itemPath, "time")),
                Component = ObservationJson.ReadKey(item, itemPath),
                From = from,
                To = to,
                Recommended = JsonRead.Optional(item, "recommended") is { } r ? JsonRead.Integer(r, JsonRead.Join(itemPath, "recommended")) : to,
                Acted = JsonRead.Optional(item, "acted") is { } a ? JsonRead.Boolean(a, JsonRead.Join(itemPath, "acted")) : from != to,
                Reason = JsonRead.Optional(item, "reason") is { } reason ? JsonRead.String(reason, JsonRead.Join(itemPath, "reason")) : "",
            };
            if (entries.Count > 0 && entry.Time < entries[^1].Time)
            {
                throw new JsonFormatException($"{itemPath}.time: entries must be oldest first; {TimeText.Rfc3339(entry.Time)} is before {TimeText.Rfc3339(entries[^1].Time)}");
            }

            entries.Add(entry);
        }

        return entries.ToImmutable();
    }

    public static void Write(Utf8JsonWriter writer, IEnumerable<HistoryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entries);
        writer.WriteStartObject();
        writer.WriteStartArray("entries");
        foreach (var entry in entries)
        {
            writer.WriteStartObject();
            writer.WriteString("time", entry.Time);
            writer.WriteString("component", entry.Component.Kind.ToName());
            writer.WriteString("group", entry.Component.Group);
            writer.WriteNumber("from", entry.From);
            writer.WriteNumber("to", entry.To);
            writer.WriteNumber("recommended", entry.Recommended);
            writer.WriteBoolean("acted", entry.Acted);
            writer.WriteString("reason", entry.Reason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
