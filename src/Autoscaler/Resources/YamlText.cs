using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace RwAutoscaler.Autoscaler.Resources;

/// <summary>
/// JSON-shaped YAML both ways: <see cref="Write"/> prints a JSON tree as block YAML (strings quoted whenever a plain
/// scalar could be read as something else), <see cref="Parse"/> reads Kubernetes manifests (one or more documents)
/// into JSON trees with YAML 1.2 core-schema scalars, as kubectl does.
/// </summary>
internal static class YamlText
{
    public static string Write(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var text = new StringBuilder();
        WriteNode(text, node, 0, inList: false);
        return text.ToString();
    }

    public static IReadOnlyList<JsonObject> Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"{source}: line {e.Start.Line}: {e.Message}", e);
        }

        var documents = new List<JsonObject>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            documents.Add(ToJson(document.RootNode, source) as JsonObject
                ?? throw new FormatException($"{source}: line {document.RootNode.Start.Line}: a manifest must be a map"));
        }

        return documents;
    }

    private static JsonNode? ToJson(YamlNode node, string source) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(e =>
            new KeyValuePair<string, JsonNode?>(((YamlScalarNode)e.Key).Value ?? "", ToJson(e.Value, source)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(c => ToJson(c, source)).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new FormatException($"{source}: line {node.Start.Line}: aliases and tags are not supported"),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted
            or YamlDotNet.Core.ScalarStyle.Literal or YamlDotNet.Core.ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when IsFloat(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(value),
        };
    }

    private static bool IsFloat(string value) =>
        value.Length > 0 && (char.IsAsciiDigit(value[0]) || value[0] is '-' or '+' or '.') && value.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '-' or '+');

    private static void WriteNode(StringBuilder text, JsonNode? node, int indent, bool inList)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!(first && inList))
                    {
                        text.Append(' ', indent);
                    }

                    first = false;
                    text.Append(Key(key)).Append(':');
                    WriteValue(text, value, indent);
                }

                break;
            case JsonArray array when array.Count > 0:
                foreach (var item in array)
                {
                    text.Append(' ', indent).Append("- ");
                    if (item is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
                    {
                        WriteNode(text, item, indent + 2, inList: item is JsonObject);
                    }
                    else
                    {
                        text.Append(ScalarText(item)).Append('\n');
                    }
                }

                break;
            default:
                text.Append(ScalarText(node)).Append('\n');
                break;
        }
    }

    private static void WriteValue(StringBuilder text, JsonNode? value, int indent)
    {
        if (value is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
        {
            text.Append('\n');
            WriteNode(text, value, value is JsonArray ? indent : indent + 2, inList: false);
        }
        else
        {
            text.Append(' ').Append(ScalarText(value)).Append('\n');
        }
    }

    private static string ScalarText(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => Quote(value.GetValue<string>()),
        _ => node.ToJsonString(),
    };

    private static string Key(string key) => Quote(key);

    // Plain when it reads back as the same string; JSON-quoted (valid YAML) otherwise.
    private static string Quote(string value)
    {
        var plain = value.Length > 0
            && (char.IsAsciiLetter(value[0]) || value[0] is '_' or '/')
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or ' ' or '(' or ')' or ',')
            && !value.EndsWith(' ')
            && value is not ("true" or "false" or "null" or "yes" or "no" or "on" or "off" or "True" or "False" or "Null" or "Yes" or "No" or "On" or "Off" or "y" or "n" or "Y" or "N" or "~");
        return plain ? value : JsonSerializer.Serialize(value, YamlJson.Options);
    }

    private static class YamlJson
    {
        public static JsonSerializerOptions Options { get; } = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    }
}
