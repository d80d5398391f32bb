using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Operator.Crd;

/// <summary>
/// A CustomResourceDefinition from the C# types, as controller-gen does from Go types: a structural
/// OpenAPI v3 schema (properties in name order, required members, the markers in
/// SchemaAttributes.cs), names, scope, subresources and printer columns. Objects that keep
/// unknown fields in extension data are marked x-kubernetes-preserve-unknown-fields, so the API server
/// keeps them too.
/// </summary>
internal static class CrdGenerator
{
    public static JsonObject Generate(Type kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var resource = kind.GetCustomAttribute<CustomResourceAttribute>()
            ?? throw new ArgumentException($"{kind.Name} has no [CustomResource]", nameof(kind));
        var root = ObjectSchema(kind);
        root["properties"]!["apiVersion"] = new JsonObject
        {
            ["description"] = "APIVersion defines the versioned schema of this representation of an object.",
            ["type"] = "string",
        };
        root["properties"]!["kind"] = new JsonObject
        {
            ["description"] = "Kind is a string value representing the REST resource this object represents.",
            ["type"] = "string",
        };
        root["properties"]!["metadata"] = new JsonObject { ["type"] = "object" };
        root.Remove("x-kubernetes-preserve-unknown-fields");
        root["properties"] = Sorted((JsonObject)root["properties"]!);
        if (kind.GetCustomAttribute<DescriptionAttribute>() is { } description)
        {
            root = Prepend(root, "description", description.Description);
        }

        var version = new JsonObject
        {
            ["name"] = resource.Version,
            ["served"] = true,
            ["storage"] = true,
        };
        var columns = kind.GetCustomAttributes<PrinterColumnAttribute>().OrderBy(c => c.Order).ToList();
        if (columns.Count > 0)
        {
            version["additionalPrinterColumns"] = new JsonArray([.. columns.Select(c => (JsonNode)new JsonObject
            {
                ["jsonPath"] = c.JsonPath,
                ["name"] = c.Name,
                ["type"] = c.Type,
            })]);
        }

        version["schema"] = new JsonObject { ["openAPIV3Schema"] = root };
        if (resource.StatusSubresource)
        {
            version["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        }

        var names = new JsonObject
        {
            ["categories"] = new JsonArray([.. resource.Categories.Select(c => (JsonNode)c)]),
            ["kind"] = kind.Name,
            ["listKind"] = kind.Name + "List",
            ["plural"] = resource.Plural,
            ["shortNames"] = new JsonArray([.. resource.ShortNames.Select(c => (JsonNode)c)]),
            ["singular"] = kind.Name.ToLowerInvariant(),
        };
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"{resource.Plural}.{resource.Group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = resource.Group,
                ["names"] = names,
                ["scope"] = "Namespaced",
                ["versions"] = new JsonArray(version),
            },
        };
    }

    private static JsonObject Schema(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return new JsonObject { ["format"] = type == typeof(int) ? "int32" : "int64", ["type"] = "integer" };
        }

        if (type == typeof(double))
        {
            return new JsonObject { ["type"] = "number" };
        }

        if (type == typeof(DateTimeOffset))
        {
            return new JsonObject { ["format"] = "date-time", ["type"] = "string" };
        }

        if (type == typeof(Resources.Quantity))
        {
            return IntOrStringSchema(Resources.Quantity.Pattern);
        }

        if (type == typeof(k8s.Models.V1ObjectMeta))
        {
            // The API server's own schema covers metadata; the CRD states only that it is an object.
            return new JsonObject { ["type"] = "object" };
        }

        if (type == typeof(IntOrString))
        {
            return IntOrStringSchema(null);
        }

        if (type == typeof(JsonObject))
        {
            return new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        }

        if (type == typeof(JsonNode) || type == typeof(JsonElement))
        {
            return new JsonObject { ["x-kubernetes-preserve-unknown-fields"] = true };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            return new JsonObject { ["additionalProperties"] = Schema(type.GetGenericArguments()[1]), ["type"] = "object" };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return new JsonObject { ["items"] = Schema(type.GetGenericArguments()[0]), ["type"] = "array" };
        }

        if (type.IsClass)
        {
            return ObjectSchema(type);
        }

        throw new NotSupportedException($"no schema for {type.Name}");
    }

    private static JsonObject ObjectSchema(Type type)
    {
        var properties = new JsonObject();
        var required = new List<string>();
        var preserveUnknown = false;
        foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public))
        {
            if (property.GetCustomAttribute<JsonExtensionDataAttribute>() is not null)
            {
                preserveUnknown = true;
                continue;
            }

            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always })
            {
                continue;
            }

            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            properties[name] = PropertySchema(property);
            if (property.GetCustomAttribute<RequiredMemberAttribute>() is not null || property.GetCustomAttribute<RequiredInSchemaAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        var schema = new JsonObject { ["properties"] = Sorted(properties) };
        if (required.Count > 0)
        {
            schema["required"] = new JsonArray([.. required.Order(StringComparer.Ordinal).Select(r => (JsonNode)r)]);
        }

        schema["type"] = "object";
        if (preserveUnknown)
        {
            schema["x-kubernetes-preserve-unknown-fields"] = true;
        }

        return schema;
    }

    private static JsonObject PropertySchema(PropertyInfo property)
    {
        var schema = Schema(property.PropertyType);
        if (property.GetCustomAttribute<DescriptionAttribute>() is { } description)
        {
            schema["description"] = description.Description;
        }

        if (property.GetCustomAttribute<DefaultAttribute>() is { } defaultValue)
        {
            schema["default"] = JsonNode.Parse(defaultValue.Json);
        }

        if (property.GetCustomAttribute<EnumAttribute>() is { } values)
        {
            schema["enum"] = new JsonArray([.. values.Values.Select(v => (JsonNode)v)]);
        }

        if (property.GetCustomAttribute<FormatAttribute>() is { } format)
        {
            schema["format"] = format.Format;
        }

        if (property.GetCustomAttribute<MaxLengthAttribute>() is { } maxLength)
        {
            schema["maxLength"] = maxLength.MaxLength;
        }

        if (property.GetCustomAttribute<MaximumAttribute>() is { } maximum)
        {
            schema["maximum"] = maximum.Maximum;
        }

        if (property.GetCustomAttribute<MinimumAttribute>() is { } minimum)
        {
            schema["minimum"] = minimum.Minimum;
        }

        if (property.GetCustomAttribute<PatternAttribute>() is { } pattern)
        {
            schema["pattern"] = pattern.Pattern;
        }

        if (property.GetCustomAttribute<ListMapKeysAttribute>() is { } keys)
        {
            schema["x-kubernetes-list-map-keys"] = new JsonArray([.. keys.Keys.Select(k => (JsonNode)k)]);
            schema["x-kubernetes-list-type"] = "map";
        }

        return Sorted(schema);
    }

    private static JsonObject IntOrStringSchema(string? pattern)
    {
        var schema = new JsonObject
        {
            ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
        };
        if (pattern is not null)
        {
            schema["pattern"] = pattern;
        }

        schema["x-kubernetes-int-or-string"] = true;
        return schema;
    }

    /// <summary>Keys in ordinal order, so the output does not depend on reflection order.</summary>
    private static JsonObject Sorted(JsonObject obj)
    {
        var result = new JsonObject();
        foreach (var key in obj.Select(p => p.Key).Order(StringComparer.Ordinal).ToList())
        {
            var value = obj[key];
            obj.Remove(key);
            result[key] = value;
        }

        return result;
    }

    private static JsonObject Prepend(JsonObject obj, string key, string value)
    {
        var result = new JsonObject { [key] = value };
        foreach (var name in obj.Select(p => p.Key).ToList())
        {
            var child = obj[name];
            obj.Remove(name);
            result[name] = child;
        }

        return result;
    }
}
