using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// What a real API server does with fields a built-in kind's schema lacks: it drops them (fieldValidation Ignore,
/// or Warn, the default since 1.27). The schema is the official client's model of the same group/version/kind,
/// which is generated from the server's OpenAPI. A test can play a newer server, one that knows fields the
/// client's model does not (<see cref="FakeApiServer.ServerOnlyFields"/>): that is how a typed read-modify-PUT
/// that drops them is caught.
/// </summary>
internal static class FieldPruning
{
    private static readonly ConcurrentDictionary<(string Group, string Version, string Kind), Type?> Models = new();
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, Type>> Properties = new();

    /// <summary>Removes unknown fields in place; <paramref name="serverOnly"/> holds "Kind.dotted.path" entries kept whole.</summary>
    public static void Prune(ResourceDefinition def, JsonObject obj, IReadOnlySet<string> serverOnly)
    {
        if (def.IsCustom || ModelOf(def) is not { } model)
        {
            return;
        }

        Walk(obj, model, def.Kind + ".", serverOnly);
    }

    private static Type? ModelOf(ResourceDefinition def) => Models.GetOrAdd((def.Group, def.Version, def.Kind), key =>
        typeof(V1Deployment).Assembly.GetExportedTypes().FirstOrDefault(t =>
            t.GetCustomAttribute<KubernetesEntityAttribute>() is { } e && (e.Group ?? "") == key.Group && e.ApiVersion == key.Version && e.Kind == key.Kind));

    private static void Walk(JsonObject obj, Type model, string path, IReadOnlySet<string> serverOnly)
    {
        var known = Properties.GetOrAdd(model, t => t.GetProperties()
            .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
            .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name, p => p.PropertyType, StringComparer.Ordinal));
        foreach (var (key, value) in obj.ToList())
        {
            if (serverOnly.Contains(path + key))
            {
                continue;
            }

            if (!known.TryGetValue(key, out var type))
            {
                obj.Remove(key);
                continue;
            }

            WalkValue(value, type, path + key + ".", serverOnly);
        }
    }

    private static void WalkValue(JsonNode? node, Type type, string path, IReadOnlySet<string> serverOnly)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsGenericType && type.GetGenericArguments() is [var element] && node is JsonArray array)
        {
            foreach (var item in array)
            {
                WalkValue(item, element, path, serverOnly);
            }
        }
        else if (type.IsGenericType && type.GetGenericArguments() is [_, var valueType] && node is JsonObject map)
        {
            foreach (var (_, value) in map)
            {
                WalkValue(value, valueType, path + "*.", serverOnly);
            }
        }
        else if (node is JsonObject child && type.Namespace == "k8s.Models" && type.GetCustomAttribute<JsonConverterAttribute>() is null)
        {
            Walk(child, type, path, serverOnly);
        }
    }
}
