using System.Text.Json.Nodes;

namespace RwAutoscaler.Operator.Factory;

/// <summary>Small builders that keep the factory's JSON readable.</summary>
internal static class Json
{
    public static JsonObject Object(params (string Key, JsonNode? Value)[] properties)
    {
        var result = new JsonObject();
        foreach (var (key, value) in properties)
        {
            if (value is not null)
            {
                result[key] = value;
            }
        }

        return result;
    }

    public static JsonArray Array(IEnumerable<JsonNode?> items) => new([.. items]);

    public static JsonObject Map(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var result = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            result[key] = value;
        }

        return result;
    }

    public static JsonObject EnvValue(string name, string value) => Object(("name", name), ("value", value));

    public static JsonObject EnvField(string name, string fieldPath) =>
        Object(("name", name), ("valueFrom", Object(("fieldRef", Object(("fieldPath", fieldPath))))));

    public static JsonObject EnvSecret(string name, string secret, string key) =>
        Object(("name", name), ("valueFrom", Object(("secretKeyRef", Object(("name", secret), ("key", key))))));

    public static string? String(JsonObject? obj, string key) =>
        obj?[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static int? Int(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;
}
