using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.TestKit.FakeKube.Patching;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>PATCH in its three flavours, and the /scale subresource (autoscaling/v1 Scale) for any resource with a scale path triple.</summary>
internal static class SubresourceOperations
{
    private const string CustomAccepted = "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";
    private const string BuiltinAccepted = "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml";

    /// <summary>PATCH of the object or its /status: the patch applies to the current object; a resourceVersion in the patch is a precondition.</summary>
    public static StoredObject Patch(ResourceOperations ops, ResourceDefinition def, string ns, string name, string? subresource, string? contentType, string body)
    {
        lock (ops.Store.Gate)
        {
            var existing = ops.Get(def, def.Namespaced ? ns : "", name);
            var patched = ApplyPatch(def, existing.ToJsonObject(), contentType, body);
            CheckPatchedResourceVersion(def, name, existing, patched);
            return ops.Update(def, ns, name, patched, subresource, unconditional: true);
        }
    }

    public static JsonObject GetScale(ResourceOperations ops, ResourceDefinition def, string ns, string name) =>
        ScaleOf(ops.Get(def, def.Namespaced ? ns : "", name));

    public static JsonObject UpdateScale(ResourceOperations ops, ResourceDefinition def, string ns, string name, JsonObject scale)
    {
        lock (ops.Store.Gate)
        {
            var existing = ops.Get(def, def.Namespaced ? ns : "", name);
            var rv = (string?)scale["metadata"]?["resourceVersion"];
            if (!string.IsNullOrEmpty(rv) && rv != existing.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw ApiError.Conflict(def, name, ApiError.OptimisticLockErrorMsg);
            }
            return WriteReplicas(ops, existing, scale);
        }
    }

    public static JsonObject PatchScale(ResourceOperations ops, ResourceDefinition def, string ns, string name, string? contentType, string body)
    {
        lock (ops.Store.Gate)
        {
            var existing = ops.Get(def, def.Namespaced ? ns : "", name);
            // A Scale is a built-in type, so strategic merge patch is accepted on it even for custom resources.
            var patched = ApplyPatch(def with { IsCustom = false }, ScaleOf(existing), contentType, body);
            CheckPatchedResourceVersion(def, name, existing, patched);
            return WriteReplicas(ops, existing, patched);
        }
    }

    private static void CheckPatchedResourceVersion(ResourceDefinition def, string name, StoredObject existing, JsonObject patched)
    {
        var rv = (string?)patched["metadata"]?["resourceVersion"];
        if (!string.IsNullOrEmpty(rv) && rv != existing.ResourceVersion.ToString(CultureInfo.InvariantCulture))
        {
            throw ApiError.Conflict(def, name, ApiError.OptimisticLockErrorMsg);
        }
    }

    private static JsonObject WriteReplicas(ResourceOperations ops, StoredObject existing, JsonObject scale)
    {
        var def = existing.Def;
        var replicasNode = scale["spec"]?["replicas"];
        var replicas = 0;
        if (replicasNode is not null && !(replicasNode is JsonValue v && v.TryGetValue(out replicas)))
        {
            throw ApiError.BadRequest($"Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal {replicasNode.GetValueKind()} into Go struct field ScaleSpec.spec.replicas of type int32");
        }
        if (replicas < 0)
        {
            throw new ApiError(422, "Invalid", $"Scale.autoscaling \"{existing.Name}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0",
                new JsonObject
                {
                    ["name"] = existing.Name, ["group"] = "autoscaling", ["kind"] = "Scale",
                    ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = $"Invalid value: {replicas}: must be greater than or equal to 0", ["field"] = "spec.replicas" }),
                });
        }
        var obj = existing.ToJsonObject();
        SetPath(obj, def.Scale!.SpecReplicasPath, replicas);
        var updated = ops.Update(def, existing.Namespace, existing.Name, obj, null, unconditional: true);
        return ScaleOf(updated);
    }

    /// <summary>The Scale view of an object; a CR with no value at specReplicasPath cannot be scaled (apiextensions etcd.go).</summary>
    public static JsonObject ScaleOf(StoredObject stored)
    {
        var def = stored.Def;
        var scale = def.Scale!;
        var obj = stored.ToJsonObject();
        var specReplicas = ReadPath(obj, scale.SpecReplicasPath);
        if (specReplicas is null)
        {
            throw ApiError.Internal($"the spec replicas field \"{scale.SpecReplicasPath}\" does not exist");
        }
        var statusReplicas = ReadPath(obj, scale.StatusReplicasPath) is JsonValue sv && sv.TryGetValue<int>(out var s) ? s : 0;
        string selector;
        if (def.IsCustom)
        {
            selector = scale.LabelSelectorPath is null ? "" : (ReadPath(obj, scale.LabelSelectorPath) is JsonValue lv && lv.TryGetValue<string>(out var l) ? l : "");
        }
        else
        {
            selector = SelectorString(obj["spec"]?["selector"] as JsonObject);
        }
        var meta = new JsonObject
        {
            ["name"] = stored.Name,
            ["uid"] = stored.Uid,
            ["resourceVersion"] = stored.ResourceVersion.ToString(CultureInfo.InvariantCulture),
            ["creationTimestamp"] = obj["metadata"]?["creationTimestamp"]?.DeepClone(),
        };
        if (def.Namespaced)
        {
            meta["namespace"] = stored.Namespace;
        }
        var spec = new JsonObject();
        if (specReplicas is JsonValue rv && rv.TryGetValue<int>(out var r) && r != 0)
        {
            spec["replicas"] = r;
        }
        var status = new JsonObject { ["replicas"] = statusReplicas };
        if (selector.Length > 0)
        {
            status["selector"] = selector;
        }
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = meta,
            ["spec"] = spec,
            ["status"] = status,
        };
    }

    /// <summary>metav1.LabelSelector in query-string form, requirements sorted by key as labels.Selector.String() does.</summary>
    public static string SelectorString(JsonObject? selector)
    {
        if (selector is null)
        {
            return "";
        }
        var terms = new List<(string Key, string Text)>();
        foreach (var (key, value) in (selector["matchLabels"] as JsonObject) ?? [])
        {
            terms.Add((key, $"{key}={(string?)value}"));
        }
        foreach (var expr in (selector["matchExpressions"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var key = (string?)expr["key"] ?? "";
            var values = string.Join(',', ((expr["values"] as JsonArray) ?? []).Select(v => (string?)v).Order(StringComparer.Ordinal));
            terms.Add((key, (string?)expr["operator"] switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key,
                "DoesNotExist" => "!" + key,
                var op => throw ApiError.BadRequest($"{op} is not a valid label selector operator"),
            }));
        }
        return string.Join(',', terms.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Text));
    }

    public static JsonObject ApplyPatch(ResourceDefinition def, JsonObject current, string? contentType, string body)
    {
        var mediaType = contentType?.Split(';')[0].Trim();
        JsonNode? result;
        try
        {
            switch (mediaType)
            {
                case "application/json-patch+json":
                    JsonPatchApplier document;
                    try
                    {
                        document = JsonPatchApplier.Parse(body);
                    }
                    catch (JsonPatchException e)
                    {
                        throw ApiError.BadRequest(e.Message);
                    }
                    try
                    {
                        result = document.Apply(current);
                    }
                    catch (JsonPatchException e)
                    {
                        // apiserver patch.go: a JSON patch that fails to apply (a failed test included) is 422.
                        throw new ApiError(422, "Invalid", e.Message);
                    }
                    break;
                case "application/merge-patch+json":
                    result = JsonMergePatch.Apply(current, ParseObject(body));
                    break;
                case "application/strategic-merge-patch+json" when !def.IsCustom:
                    result = StrategicMergePatch.Apply(current, ParseObject(body));
                    break;
                case "application/apply-patch+yaml":
                    // Server-side apply needs managedFields and structured merge; this fake does not pretend to have them.
                    throw ApiError.UnsupportedMediaType("server-side apply (application/apply-patch+yaml) is not implemented by the fake API server");
                default:
                    throw ApiError.UnsupportedMediaType(
                        $"the body of the request was in an unknown format - accepted media types include: {(def.IsCustom ? CustomAccepted : BuiltinAccepted)}");
            }
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"error decoding patch: {e.Message}");
        }
        return result as JsonObject ?? throw ApiError.BadRequest("the patch did not produce an object");
    }

    private static JsonObject ParseObject(string body) =>
        JsonNode.Parse(body) as JsonObject ?? throw ApiError.BadRequest("a merge patch must be a JSON object");

    internal static JsonNode? ReadPath(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.TrimStart('.').Split('.'))
        {
            node = (node as JsonObject)?[part];
        }
        return node;
    }

    private static void SetPath(JsonObject obj, string path, int value)
    {
        var parts = path.TrimStart('.').Split('.');
        var node = obj;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject child)
            {
                child = new JsonObject();
                node[part] = child;
            }
            node = child;
        }
        node[parts[^1]] = value;
    }
}
