using System.Globalization;
using System.Text.Json;

namespace RwAutoscaler.Policies.Json;

/// <summary>Small checked accessors over <see cref="JsonElement"/> whose errors name the JSON path (shared by every JSON reader of the project).</summary>
public static class JsonRead
{
    public static JsonElement Object(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new JsonFormatException($"{path}: expected an object, got {Describe(element)}");
        }

        return element;
    }

    public static JsonElement.ArrayEnumerator Array(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Array
            ? element.EnumerateArray()
            : throw new JsonFormatException($"{path}: expected an array, got {Describe(element)}");

    public static JsonElement? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static JsonElement Required(JsonElement obj, string name, string path) =>
        Optional(obj, name) ?? throw new JsonFormatException($"{Join(path, name)}: is required");

    public static string String(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String
            ? element.GetString()!
            : throw new JsonFormatException($"{path}: expected a string, got {Describe(element)}");

    public static int Integer(JsonElement element, string path, int min = 0) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value) && value >= min
            ? value
            : throw new JsonFormatException($"{path}: expected an integer >= {min}, got {Describe(element)}");

    public static bool Boolean(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new JsonFormatException($"{path}: expected true or false, got {Describe(element)}"),
    };

    /// <summary>A number, or a string Prometheus writes for special values ("NaN", "+Inf", "-Inf").</summary>
    public static double Number(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            return element.GetDouble();
        }

        if (element.ValueKind == JsonValueKind.String
            && double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        if (element.ValueKind == JsonValueKind.String && element.GetString() is "NaN" or "+Inf" or "Inf" or "-Inf")
        {
            return element.GetString() switch { "NaN" => double.NaN, "-Inf" => double.NegativeInfinity, _ => double.PositiveInfinity };
        }

        throw new JsonFormatException($"{path}: expected a number, got {Describe(element)}");
    }

    /// <summary>An RFC 3339 time, or seconds since the Unix epoch (what Prometheus returns).</summary>
    public static DateTimeOffset Time(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            var seconds = element.GetDouble();
            return DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        }

        if (element.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        throw new JsonFormatException($"{path}: expected a time (RFC 3339 such as 2026-11-21T10:00:00Z, or Unix seconds), got {Describe(element)}");
    }

    public static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"\"{Truncate(element.GetString()!)}\"",
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => element.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
