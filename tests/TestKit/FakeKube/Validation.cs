using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>The slice of the API server's validation that clients trip over.</summary>
internal static partial class Validation
{
    private const string Rfc1123Subdomain = @"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

    [GeneratedRegex("^" + Rfc1123Subdomain + "$")]
    private static partial Regex SubdomainRegex();

    public static (string Field, string Reason, string Message)? CheckName(string name)
    {
        if (name.Length > 253 || !SubdomainRegex().IsMatch(name))
        {
            return ("metadata.name", "FieldValueInvalid",
                $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{Rfc1123Subdomain}')");
        }
        return null;
    }

    /// <summary>
    /// MicroTime fields must have exactly six fractional digits (metav1.MicroTime.UnmarshalJSON parses
    /// with RFC3339Micro); anything else fails decoding with 400, as on a real server.
    /// </summary>
    public static void CheckMicroTimes(ResourceDefinition def, JsonObject obj)
    {
        foreach (var field in def.MicroTimeFields)
        {
            JsonNode? node = obj;
            foreach (var part in field.Split('.'))
            {
                node = (node as JsonObject)?[part];
            }
            if (node is null)
            {
                continue;
            }
            var text = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node.ToJsonString();
            if (!MicroTime.TryParse(text, out _))
            {
                var seconds = text.Length > 19 ? text[19..] : text;
                throw ApiError.BadRequest(
                    $"{def.Kind} in version \"{def.Version}\" cannot be handled as a {def.Kind}: parsing time \"{text}\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"{seconds}\" as \".000000\"");
            }
        }
    }

    public static void CheckOwnerReferences(ResourceDefinition def, string name, JsonObject meta)
    {
        if (meta["ownerReferences"] is not JsonArray refs)
        {
            return;
        }
        var errors = new List<(string, string, string)>();
        var controllers = 0;
        for (var i = 0; i < refs.Count; i++)
        {
            foreach (var field in new[] { "apiVersion", "kind", "name", "uid" })
            {
                if (string.IsNullOrEmpty((string?)refs[i]?[field]))
                {
                    errors.Add(($"metadata.ownerReferences[{i}].{field}", "FieldValueInvalid", $"Invalid value: \"\": {field} must not be empty"));
                }
            }
            if (refs[i]?["controller"] is JsonValue c && c.TryGetValue<bool>(out var isController) && isController)
            {
                controllers++;
            }
        }
        if (controllers > 1)
        {
            errors.Add(("metadata.ownerReferences", "FieldValueInvalid", "Invalid value: ...: Only one reference can have Controller set to true"));
        }
        if (errors.Count > 0)
        {
            throw ApiError.Invalid(def, name, [.. errors]);
        }
    }
}
