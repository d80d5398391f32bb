using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// One committed version of an object, immutable: its JSON (and the list-item form without kind and
/// apiVersion for built-in kinds) plus the fields that selectors, GC and finalizers look at.
/// </summary>
internal sealed class StoredObject
{
    private StoredObject(ResourceDefinition def, JsonObject obj, long resourceVersion)
    {
        Def = def;
        ResourceVersion = resourceVersion;
        var meta = obj["metadata"] as JsonObject ?? [];
        Namespace = (string?)meta["namespace"] ?? "";
        Name = (string?)meta["name"] ?? "";
        Uid = (string?)meta["uid"] ?? "";
        Labels = (meta["labels"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => (string?)kv.Value ?? "", StringComparer.Ordinal)
            ?? new Dictionary<string, string>(StringComparer.Ordinal);
        OwnerUids = (meta["ownerReferences"] as JsonArray)?.Select(r => (string?)r?["uid"] ?? "").ToArray() ?? [];
        Finalizers = (meta["finalizers"] as JsonArray)?.Select(f => (string?)f ?? "").ToArray() ?? [];
        Deleting = meta["deletionTimestamp"] is not null;
        Json = JsonSerializer.SerializeToUtf8Bytes(obj, KubeJson.Options);
        if (def.IsCustom)
        {
            ItemJson = Json;
        }
        else
        {
            // Items of built-in kinds come without kind and apiVersion (kubernetes#3030).
            var item = (JsonObject)obj.DeepClone();
            item.Remove("kind");
            item.Remove("apiVersion");
            ItemJson = JsonSerializer.SerializeToUtf8Bytes(item, KubeJson.Options);
        }
    }

    public ResourceDefinition Def { get; }

    public string Namespace { get; }

    public string Name { get; }

    public string Uid { get; }

    public long ResourceVersion { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public IReadOnlyList<string> OwnerUids { get; }

    public IReadOnlyList<string> Finalizers { get; }

    public bool Deleting { get; }

    /// <summary>The full object, as GET and watch events carry it.</summary>
    public byte[] Json { get; }

    /// <summary>The object as an item of a LIST response.</summary>
    public byte[] ItemJson { get; }

    public string Key => Namespace + "/" + Name;

    public JsonObject ToJsonObject() => JsonNode.Parse(Json)!.AsObject();

    /// <summary>Stamps <paramref name="resourceVersion"/> into the object's metadata and freezes it.</summary>
    public static StoredObject Create(ResourceDefinition def, JsonObject obj, long resourceVersion)
    {
        var meta = obj["metadata"] as JsonObject ?? throw new ArgumentException("object without metadata", nameof(obj));
        meta["resourceVersion"] = resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new StoredObject(def, obj, resourceVersion);
    }
}
