using System.Text.Json.Nodes;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// Strategic merge patch for the built-in kinds kubectl applies (apimachinery strategicpatch): like a
/// merge patch, except that lists with a patchMergeKey in the Go types merge element by element, and
/// the directives $patch, $retainKeys, $setElementOrder/ and $deleteFromPrimitiveList/ are honoured.
/// Merge keys are a table of the fields our kinds use, not the whole OpenAPI schema.
/// </summary>
internal static class StrategicMergePatch
{
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["env"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name",
        ["conditions"] = "type",
        ["ownerReferences"] = "uid",
        ["hostAliases"] = "ip",
        ["topologySpreadConstraints"] = "topologyKey",
    };

    /// <summary>Lists of scalars whose patch strategy is merge (metadata.finalizers).</summary>
    private static readonly HashSet<string> MergedScalarLists = new(StringComparer.Ordinal) { "finalizers" };

    public static JsonNode? Apply(JsonNode? original, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        var directive = (string?)patchObject["$patch"];
        if (directive == "replace")
        {
            var replaced = (JsonObject)patchObject.DeepClone();
            replaced.Remove("$patch");
            return replaced;
        }
        if (directive == "delete")
        {
            return null;
        }

        var result = original is JsonObject o ? (JsonObject)o.DeepClone() : [];
        var orders = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        foreach (var (key, value) in patchObject)
        {
            if (key == "$patch" || key == "$retainKeys")
            {
                continue;
            }
            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                orders[key["$setElementOrder/".Length..]] = value as JsonArray ?? [];
                continue;
            }
            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (result[field] is JsonArray list && value is JsonArray remove)
                {
                    foreach (var item in list.Where(i => remove.Any(r => JsonNode.DeepEquals(i, r))).ToList())
                    {
                        list.Remove(item);
                    }
                }
                continue;
            }
            if (value is null)
            {
                result.Remove(key);
            }
            else if (value is JsonArray patchList && result[key] is JsonArray originalList)
            {
                result[key] = MergeList(key, originalList, patchList);
            }
            else if (value is JsonArray fresh)
            {
                result[key] = MergeList(key, [], fresh);
            }
            else if (value is JsonObject)
            {
                var merged = Apply(result[key], value);
                if (merged is null)
                {
                    result.Remove(key);
                }
                else
                {
                    result[key] = merged;
                }
            }
            else
            {
                result[key] = value.DeepClone();
            }
        }

        foreach (var (field, order) in orders)
        {
            if (result[field] is JsonArray list)
            {
                result[field] = Reorder(field, list, order);
            }
        }
        if (patchObject["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => (string?)k).ToHashSet(StringComparer.Ordinal);
            foreach (var key in result.Select(kv => kv.Key).Where(k => !keep.Contains(k)).ToList())
            {
                result.Remove(key);
            }
        }
        return result;
    }

    private static string? MergeKeyFor(string field, JsonArray list)
    {
        if (MergeKeys.TryGetValue(field, out var key))
        {
            return key;
        }
        if (field == "ports")
        {
            // Container ports merge on containerPort, service ports on port.
            return list.OfType<JsonObject>().Any(p => p.ContainsKey("containerPort")) ? "containerPort" : "port";
        }
        return null;
    }

    private static JsonArray MergeList(string field, JsonArray original, JsonArray patch)
    {
        if (MergedScalarLists.Contains(field))
        {
            var union = new JsonArray(original.Select(n => n?.DeepClone()).ToArray());
            foreach (var item in patch.Where(p => !union.Any(u => JsonNode.DeepEquals(u, p))))
            {
                union.Add(item?.DeepClone());
            }
            return union;
        }
        var key = MergeKeyFor(field, patch) ?? MergeKeyFor(field, original);
        if (key is null || patch.Any(p => p is not JsonObject))
        {
            // No merge key: the patch's list replaces the original (minus any directives).
            return new JsonArray(patch.Where(p => p is not JsonObject po || (string?)po["$patch"] != "delete").Select(Strip).ToArray());
        }
        var merged = new JsonArray(original.Select(n => n?.DeepClone()).ToArray());
        foreach (var element in patch.OfType<JsonObject>())
        {
            var index = IndexOf(merged, key, element[key]);
            if ((string?)element["$patch"] == "delete")
            {
                if (index >= 0)
                {
                    merged.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                merged[index] = Apply(merged[index], element);
            }
            else
            {
                merged.Add(Strip(element));
            }
        }
        return merged;
    }

    private static JsonArray Reorder(string field, JsonArray list, JsonArray order)
    {
        var key = MergeKeyFor(field, list);
        var items = list.Select(n => n?.DeepClone()).ToList();
        var ordered = new List<JsonNode?>();
        foreach (var o in order)
        {
            var match = key is null
                ? items.FirstOrDefault(i => JsonNode.DeepEquals(i, o))
                : items.FirstOrDefault(i => JsonNode.DeepEquals(i?[key], o?[key]));
            if (match is not null)
            {
                ordered.Add(match);
                items.Remove(match);
            }
        }
        ordered.AddRange(items);
        return new JsonArray(ordered.ToArray());
    }

    private static int IndexOf(JsonArray list, string key, JsonNode? value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is JsonObject o && JsonNode.DeepEquals(o[key], value))
            {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode? Strip(JsonNode? node) => Apply(null, node) ?? node?.DeepClone();
}
