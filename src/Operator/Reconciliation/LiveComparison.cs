using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using RwAutoscaler.Operator.Resources;

namespace RwAutoscaler.Operator.Reconciliation;

/// <summary>
/// Is the live object what we asked for? Level-based and churn-free against a real API server: every
/// field we set must hold the value we set (the server may add defaults of its own; quantities are
/// compared by amount because the server rewrites them in canonical form), and the hash of the desired
/// object we last wrote must match, which catches fields we stopped setting.
/// </summary>
internal static class LiveComparison
{
    public static string Hash(JsonObject desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(desired.ToJsonString()));
        return Convert.ToHexStringLower(bytes.AsSpan(0, 8));
    }

    public static bool IsUpToDate(JsonObject desired, string desiredHash, JsonObject live)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(desired);
        var annotations = live["metadata"]?["annotations"] as JsonObject;
        if (annotations?[RisingWaveLabels.DesiredHashAnnotation] is not JsonValue hash || !hash.TryGetValue<string>(out var text) || text != desiredHash)
        {
            return false;
        }

        // Owner references are a set others may add to: ours must be among them, in any position.
        var wanted = (JsonObject)desired.DeepClone();
        var references = wanted["metadata"]?["ownerReferences"] as JsonArray;
        (wanted["metadata"] as JsonObject)?.Remove("ownerReferences");
        var liveReferences = live["metadata"]?["ownerReferences"] as JsonArray;
        return Contains(live, wanted, quantities: false)
            && (references ?? []).All(r => liveReferences?.Any(l => Contains(l, r, quantities: false)) == true);
    }

    /// <summary>Whether <paramref name="actual"/> holds every field of <paramref name="expected"/> with the same value.</summary>
    public static bool Contains(JsonNode? actual, JsonNode? expected, bool quantities)
    {
        switch (expected)
        {
            case null:
                return true;
            case JsonObject expectedObject:
                if (actual is not JsonObject actualObject)
                {
                    return actual is null && expectedObject.Count == 0;
                }

                foreach (var (key, value) in expectedObject)
                {
                    var quantityMap = quantities || key is "limits" or "requests";
                    if (!actualObject.TryGetPropertyValue(key, out var actualValue) || actualValue is null)
                    {
                        if (!IsEmpty(value))
                        {
                            return false;
                        }

                        continue;
                    }

                    if (!Contains(actualValue, value, quantityMap))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray expectedArray:
                if (actual is not JsonArray actualArray)
                {
                    return actual is null && expectedArray.Count == 0;
                }

                if (actualArray.Count != expectedArray.Count)
                {
                    return false;
                }

                for (var i = 0; i < expectedArray.Count; i++)
                {
                    if (!Contains(actualArray[i], expectedArray[i], quantities))
                    {
                        return false;
                    }
                }

                return true;
            default:
                if (JsonNode.DeepEquals(actual, expected))
                {
                    return true;
                }

                return quantities
                    && Quantity.TryParse(Scalar(actual), out var a)
                    && Quantity.TryParse(Scalar(expected), out var b)
                    && a == b;
        }
    }

    /// <summary>The server drops empty lists and maps (omitempty); asking for one is satisfied by its absence.</summary>
    private static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        _ => false,
    };

    private static string? Scalar(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<string>(out var text) ? text : value.ToJsonString()
        : null;
}
