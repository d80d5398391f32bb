using System.Text.Json.Nodes;

namespace RwAutoscaler.TestKit.FakeKube.Patching;

/// <summary>RFC 7386 JSON merge patch: objects merge, null deletes, everything else (arrays too) replaces.</summary>
public static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Apply(result[key], value);
            }
        }
        return result;
    }

    /// <summary>The merge patch that turns <paramref name="original"/> into <paramref name="modified"/> (null when equal).</summary>
    public static JsonObject? CreateDiff(JsonObject original, JsonObject modified)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(modified);
        var patch = new JsonObject();
        foreach (var (key, oldValue) in original)
        {
            if (!modified.ContainsKey(key))
            {
                patch[key] = null;
            }
            else if (oldValue is JsonObject oldObj && modified[key] is JsonObject newObj)
            {
                var nested = CreateDiff(oldObj, newObj);
                if (nested is not null)
                {
                    patch[key] = nested;
                }
            }
            else if (!JsonNode.DeepEquals(oldValue, modified[key]))
            {
                patch[key] = modified[key]?.DeepClone();
            }
        }
        foreach (var (key, newValue) in modified)
        {
            if (!original.ContainsKey(key))
            {
                patch[key] = newValue?.DeepClone();
            }
        }
        return patch.Count == 0 ? null : patch;
    }
}
