using System.Text.Json.Nodes;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// apiextensions.k8s.io/v1 CustomResourceDefinition objects: creating one serves its resource (as
/// the apiextensions server does once the CRD is Established), deleting one stops serving it.
/// </summary>
internal static class CustomResourceDefinitions
{
    public static JsonObject ToObject(CustomResourceDefinition crd)
    {
        ArgumentNullException.ThrowIfNull(crd);
        var version = new JsonObject
        {
            ["name"] = crd.Version,
            ["served"] = true,
            ["storage"] = true,
            ["schema"] = new JsonObject
            {
                ["openAPIV3Schema"] = crd.Schema?.DeepClone() ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
            },
        };
        var subresources = new JsonObject();
        if (crd.StatusSubresource)
        {
            subresources["status"] = new JsonObject();
        }
        if (crd.Scale is { } scale)
        {
            var s = new JsonObject { ["specReplicasPath"] = scale.SpecReplicasPath, ["statusReplicasPath"] = scale.StatusReplicasPath };
            if (scale.LabelSelectorPath is not null)
            {
                s["labelSelectorPath"] = scale.LabelSelectorPath;
            }
            subresources["scale"] = s;
        }
        if (subresources.Count > 0)
        {
            version["subresources"] = subresources;
        }
        if (crd.PrinterColumns.Count > 0)
        {
            version["additionalPrinterColumns"] = new JsonArray(crd.PrinterColumns
                .Select(c => (JsonNode?)new JsonObject
                {
                    ["name"] = c.Name, ["type"] = c.Type, ["jsonPath"] = c.JsonPath, ["priority"] = c.Priority > 0 ? c.Priority : null,
                }).ToArray());
        }
        var names = new JsonObject
        {
            ["kind"] = crd.Kind,
            ["listKind"] = crd.Kind + "List",
            ["plural"] = crd.Plural,
            ["singular"] = crd.Singular ?? crd.Kind.ToLowerInvariant(),
        };
        if (crd.ShortNames.Count > 0)
        {
            names["shortNames"] = new JsonArray(crd.ShortNames.Select(n => (JsonNode?)n).ToArray());
        }
        if (crd.Categories.Count > 0)
        {
            names["categories"] = new JsonArray(crd.Categories.Select(n => (JsonNode?)n).ToArray());
        }
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"{crd.Plural}.{crd.Group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = crd.Group,
                ["names"] = names,
                ["scope"] = crd.Namespaced ? "Namespaced" : "Cluster",
                ["versions"] = new JsonArray(version),
            },
        };
    }

    /// <summary>Reads the served versions of a CRD object; the error names the field at fault.</summary>
    public static IReadOnlyList<CustomResourceDefinition> FromObject(JsonObject obj)
    {
        var spec = obj["spec"] as JsonObject ?? throw Invalid(obj, "spec", "Required value");
        var group = (string?)spec["group"] ?? throw Invalid(obj, "spec.group", "Required value");
        var names = spec["names"] as JsonObject ?? throw Invalid(obj, "spec.names", "Required value");
        var kind = (string?)names["kind"] ?? throw Invalid(obj, "spec.names.kind", "Required value");
        var plural = (string?)names["plural"] ?? throw Invalid(obj, "spec.names.plural", "Required value");
        var expectedName = $"{plural}.{group}";
        if ((string?)obj["metadata"]?["name"] != expectedName)
        {
            throw Invalid(obj, "metadata.name", $"Invalid value: \"{(string?)obj["metadata"]?["name"]}\": must be spec.names.plural+\".\"+spec.group");
        }
        var scope = (string?)spec["scope"] ?? throw Invalid(obj, "spec.scope", "Required value");
        var versions = spec["versions"] as JsonArray ?? throw Invalid(obj, "spec.versions", "Required value");
        var result = new List<CustomResourceDefinition>();
        foreach (var v in versions.OfType<JsonObject>().Where(v => v["served"] is JsonValue s && s.GetValue<bool>()))
        {
            var scale = v["subresources"]?["scale"] is JsonObject sc
                ? new ScaleSubresource((string?)sc["specReplicasPath"] ?? "", (string?)sc["statusReplicasPath"] ?? "", (string?)sc["labelSelectorPath"])
                : null;
            result.Add(new CustomResourceDefinition
            {
                Group = group,
                Version = (string?)v["name"] ?? throw Invalid(obj, "spec.versions[].name", "Required value"),
                Kind = kind,
                Plural = plural,
                Singular = (string?)names["singular"],
                ShortNames = (names["shortNames"] as JsonArray)?.Select(n => (string?)n ?? "").ToArray() ?? [],
                Categories = (names["categories"] as JsonArray)?.Select(n => (string?)n ?? "").ToArray() ?? [],
                Namespaced = scope == "Namespaced",
                StatusSubresource = v["subresources"]?["status"] is not null,
                Scale = scale,
                PrinterColumns = (v["additionalPrinterColumns"] as JsonArray)?.OfType<JsonObject>()
                    .Select(c => new PrinterColumn((string?)c["name"] ?? "", (string?)c["type"] ?? "string", (string?)c["jsonPath"] ?? "", (int?)c["priority"] ?? 0)).ToArray() ?? [],
                Schema = v["schema"]?["openAPIV3Schema"]?.DeepClone() as JsonObject,
            });
        }
        return result;
    }

    /// <summary>Serves the CRD's resources and reports it Established, as the apiextensions controllers do.</summary>
    public static StoredObject Established(ResourceOperations ops, StoredObject stored)
    {
        var obj = stored.ToJsonObject();
        var served = FromObject(obj);
        foreach (var crd in served)
        {
            ops.Registry.Add(ResourceRegistry.FromCustom(crd));
        }
        var now = ops.Now;
        obj["status"] = new JsonObject
        {
            ["acceptedNames"] = obj["spec"]!["names"]!.DeepClone(),
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["reason"] = "NoConflicts", ["message"] = "no conflicts found", ["lastTransitionTime"] = now },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted", ["lastTransitionTime"] = now }),
            ["storedVersions"] = new JsonArray(served.Select(s => (JsonNode?)s.Version).ToArray()),
        };
        return ops.Store.Put(stored.Def, obj);
    }

    /// <summary>Rejects a CRD the fake could not serve, before anything is written.</summary>
    public static void Validate(JsonObject obj)
    {
        try
        {
            foreach (var crd in FromObject(obj))
            {
                ResourceRegistry.FromCustom(crd);
            }
        }
        catch (ArgumentException e)
        {
            throw Invalid(obj, "spec.versions[].subresources.scale", e.Message);
        }
    }

    public static void Unregister(ResourceRegistry registry, JsonObject obj)
    {
        var group = (string?)obj["spec"]?["group"];
        var plural = (string?)obj["spec"]?["names"]?["plural"];
        foreach (var v in (obj["spec"]?["versions"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if (group is not null && plural is not null && (string?)v["name"] is { } version)
            {
                registry.Remove(group, version, plural);
            }
        }
    }

    private static ApiError Invalid(JsonObject obj, string field, string message) =>
        ApiError.Invalid(BuiltinResources.All.First(d => d.Plural == "customresourcedefinitions"), (string?)obj["metadata"]?["name"] ?? "", (field, "FieldValueInvalid", message));
}
