using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// meta.k8s.io/v1 Table responses, which kubectl asks for (Accept: ...;as=Table) to print
/// <c>kubectl get</c> server-side, with the built-in printers' columns or a CRD's additionalPrinterColumns.
/// </summary>
internal static partial class Tables
{
    public static bool Wanted(string? accept) =>
        accept is not null && accept.Contains("as=Table", StringComparison.Ordinal);

    public static JsonObject Build(ResourceDefinition def, IEnumerable<JsonObject> objects, DateTimeOffset now, string? includeObject, JsonObject? listMeta, bool noHeaders = false)
    {
        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = listMeta?.DeepClone() ?? new JsonObject(),
        };
        if (!noHeaders)
        {
            table["columnDefinitions"] = new JsonArray(def.Columns.Select(c => (JsonNode?)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Name,
                ["priority"] = c.Priority,
            }).ToArray());
        }
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var row = new JsonObject { ["cells"] = new JsonArray(def.Columns.Select(c => c.Cell(obj, now)?.DeepClone()).ToArray()) };
            switch (includeObject)
            {
                case "None":
                    break;
                case "Object":
                    row["object"] = obj.DeepClone();
                    break;
                default:
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = obj["metadata"]?.DeepClone(),
                    };
                    break;
            }
            rows.Add(row);
        }
        table["rows"] = rows;
        return table;
    }

    /// <summary>A printer column's cell: a simple JSONPath (".spec.x", ".status.conditions[?(@.type=="Ready")].status").</summary>
    public static JsonNode? CellAt(JsonObject obj, PrinterColumn column, DateTimeOffset now)
    {
        var node = Evaluate(obj, column.JsonPath);
        if (node is null)
        {
            return null;
        }
        if (column.Type == "date")
        {
            return node is JsonValue v && v.TryGetValue<string>(out var s)
                && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                ? BuiltinResources.HumanDuration(now - t)
                : "<unknown>";
        }
        return node.DeepClone();
    }

    [GeneratedRegex(@"^(?<field>[^\[]+)?\[\?\(@\.(?<key>[\w.]+)==[""'](?<value>[^""']*)[""']\)\]$")]
    private static partial Regex FilterRegex();

    private static JsonNode? Evaluate(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in Steps(path))
        {
            var m = FilterRegex().Match(part);
            if (m.Success)
            {
                if (m.Groups["field"].Success)
                {
                    node = (node as JsonObject)?[m.Groups["field"].Value];
                }
                node = (node as JsonArray)?.OfType<JsonObject>().FirstOrDefault(e => (string?)e[m.Groups["key"].Value] == m.Groups["value"].Value);
            }
            else
            {
                node = (node as JsonObject)?[part];
            }
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>The steps of a path, split on the dots outside filters (<c>[?(@.type=="Ready")]</c> holds one).</summary>
    private static List<string> Steps(string path)
    {
        var steps = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= path.Length; i++)
        {
            var c = i < path.Length ? path[i] : '.';
            depth += c == '[' ? 1 : c == ']' ? -1 : 0;
            if (c == '.' && depth == 0)
            {
                if (i > start)
                {
                    steps.Add(path[start..i]);
                }

                start = i + 1;
            }
        }

        return steps;
    }
}
