using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace RwAutoscaler.Autoscaler.Resources.Schema;

/// <summary>
/// Writes the OpenAPI v3 schema of a CRD from C# record types: property names in camelCase, C# <c>required</c>
/// members as required fields, nullable members as optional, <see cref="DescriptionAttribute"/> as descriptions and
/// the attributes of this folder as validation. The types are the single source of the CRD (drift-checked by a test).
/// </summary>
internal static class SchemaGenerator
{
    private static readonly NullabilityInfoContext Nullability = new();

    public static JsonObject For(Type type) => ObjectSchema(type, new HashSet<Type>());

    private static JsonObject ObjectSchema(Type type, HashSet<Type> visiting)
    {
        if (!visiting.Add(type))
        {
            throw new InvalidOperationException($"{type.Name} refers to itself; CRD schemas cannot be recursive");
        }

        var schema = new JsonObject { ["type"] = "object" };
        if (type.GetCustomAttribute<DescriptionAttribute>() is { } typeDescription)
        {
            schema["description"] = typeDescription.Description;
        }

        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.IsDefined(typeof(JsonIgnoreAttribute)) || property.IsDefined(typeof(JsonExtensionDataAttribute)) || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            properties[name] = PropertySchema(property, visiting);
            if (property.IsDefined(typeof(RequiredMemberAttribute)))
            {
                required.Add(name);
            }
        }

        if (type.IsDefined(typeof(PreserveUnknownFieldsAttribute)))
        {
            schema["x-kubernetes-preserve-unknown-fields"] = true;
        }

        schema["properties"] = properties;
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        visiting.Remove(type);
        return schema;
    }

    private static JsonObject PropertySchema(PropertyInfo property, HashSet<Type> visiting)
    {
        var schema = TypeSchema(property.PropertyType, Nullability.Create(property), property, visiting);
        if (property.GetCustomAttribute<DescriptionAttribute>() is { } description)
        {
            schema["description"] = description.Description;
        }

        if (property.GetCustomAttribute<OneOfAttribute>() is { } oneOf)
        {
            schema["enum"] = new JsonArray(oneOf.Values.Select(v => (JsonNode?)v).ToArray());
        }

        if (property.GetCustomAttribute<PatternAttribute>() is { } pattern)
        {
            schema["pattern"] = pattern.Pattern;
        }

        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema["minimum"] = range.Minimum;
            if (range.Maximum != long.MaxValue)
            {
                schema["maximum"] = range.Maximum;
            }
        }

        if (property.GetCustomAttribute<MaxItemsAttribute>() is { } maxItems)
        {
            schema["maxItems"] = maxItems.Count;
        }

        if (property.GetCustomAttribute<ListMapAttribute>() is { } listMap)
        {
            schema["x-kubernetes-list-type"] = "map";
            schema["x-kubernetes-list-map-keys"] = new JsonArray(listMap.Keys.Select(k => (JsonNode?)k).ToArray());
        }

        if (property.GetCustomAttribute<DefaultAttribute>() is { } fallback)
        {
            schema["default"] = JsonValue.Create(fallback.Value);
        }

        if (property.IsDefined(typeof(PreserveUnknownFieldsAttribute)))
        {
            schema["x-kubernetes-preserve-unknown-fields"] = true;
        }

        return schema;
    }

    private static JsonObject TypeSchema(Type type, NullabilityInfo nullability, PropertyInfo property, HashSet<Type> visiting)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (underlying == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (underlying == typeof(int) || underlying == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = underlying == typeof(int) ? "int32" : "int64" };
        }

        if (underlying == typeof(double))
        {
            return new JsonObject { ["type"] = "number" };
        }

        if (underlying == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() is var generic
            && (generic == typeof(IReadOnlyDictionary<,>) || generic == typeof(Dictionary<,>)))
        {
            var valueType = underlying.GetGenericArguments()[1];
            return new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = TypeSchema(valueType, nullability.GenericTypeArguments[1], property, visiting),
            };
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() is var list
            && (list == typeof(IReadOnlyList<>) || list == typeof(List<>)))
        {
            var itemType = underlying.GetGenericArguments()[0];
            return new JsonObject
            {
                ["type"] = "array",
                ["items"] = TypeSchema(itemType, nullability.GenericTypeArguments[0], property, visiting),
            };
        }

        if (underlying.IsClass && !underlying.IsAbstract)
        {
            return ObjectSchema(underlying, visiting);
        }

        throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{property.DeclaringType?.Name}.{property.Name}: no schema for {type.Name}"));
    }
}
