using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// Just enough OpenAPI v3 for kubectl: the root index and one document per group-version whose PATCH
/// operations carry x-kubernetes-group-version-kind and the fieldValidation query parameter. kubectl
/// (1.32) reads this to learn that the server validates fields itself and then sends
/// fieldValidation=Strict instead of downloading schemas. The fake accepts Strict without checking
/// unknown fields. A custom resource's CRD schema is published under components.schemas, named and
/// tagged with its group-version-kind as the apiserver does, which is what <c>kubectl explain</c>
/// reads. /openapi/v2 stays 404, as kubectl then needs nothing else: client-side apply computes
/// strategic merge patches from its compiled-in types.
/// </summary>
internal static class OpenApi
{
    public static JsonObject Root(ResourceRegistry registry)
    {
        var paths = new JsonObject();
        foreach (var gv in registry.All.Select(d => (d.Group, d.Version)).Distinct())
        {
            var key = gv.Group.Length == 0 ? $"api/{gv.Version}" : $"apis/{gv.Group}/{gv.Version}";
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={Hash(Document(registry, gv.Group, gv.Version))}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject? Document(ResourceRegistry registry, string group, string version)
    {
        var defs = registry.All.Where(d => d.Group == group && d.Version == version).ToList();
        if (defs.Count == 0)
        {
            return null;
        }
        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var def in defs)
        {
            if (def.Schema?.DeepClone() is JsonObject schema)
            {
                // The apiserver's name: the group reversed, the version, the kind (dev.rwautoscaler.v1alpha1.RisingWaveAutoscaler).
                var name = string.Join('.', def.Group.Split('.').Reverse().Append(def.Version).Append(def.Kind));
                schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = def.Group, ["version"] = def.Version, ["kind"] = def.Kind });
                schemas[name] = schema;
            }

            var prefix = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
            var item = def.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{def.Plural}/{{name}}" : $"{prefix}/{def.Plural}/{{name}}";
            var collection = def.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{def.Plural}" : $"{prefix}/{def.Plural}";
            paths[item] = new JsonObject { ["patch"] = Operation(def, "patch"), ["put"] = Operation(def, "replace") };
            paths[collection] = new JsonObject { ["post"] = Operation(def, "create") };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.4-fake" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static JsonObject Operation(ResourceDefinition def, string action) => new()
    {
        ["operationId"] = $"{action}{def.Kind}",
        ["parameters"] = new JsonArray(
            Param("fieldManager"), Param("fieldValidation"), Param("dryRun")),
        ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
        ["x-kubernetes-action"] = action,
        ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = def.Group, ["version"] = def.Version, ["kind"] = def.Kind },
    };

    private static JsonObject Param(string name) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    private static string Hash(JsonObject? doc) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(doc?.ToJsonString() ?? "")))[..32];
}
