using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RwAutoscaler.Chart.Tests.Rendering;

/// <summary>
/// YAML to JSON nodes with the YAML 1.2 core schema, refusing the plain scalars that YAML 1.1 (which Kubernetes'
/// and Helm's parser, go-yaml v2, still follows) reads differently: yes/no/on/off/y/n, octal 0777, sexagesimal 1:30.
/// A manifest that means one thing to us and another to the API server fails here instead of in a cluster.
/// </summary>
internal static partial class YamlText
{
    /// <summary>Every non-empty document of the text.</summary>
    public static IReadOnlyList<JsonNode> Parse(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new FormatException($"{source}: not YAML: {e.Message}\n{Numbered(text)}", e);
        }

        return stream.Documents.Select(d => Convert(d.RootNode, source)).Where(n => n is not null).ToList()!;
    }

    private static JsonNode? Convert(YamlNode node, string source)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = key is YamlScalarNode scalar ? scalar.Value ?? "" : throw new FormatException($"{source}:{key.Start.Line}: complex keys are not allowed");
                    if (obj.ContainsKey(name))
                    {
                        throw new FormatException($"{source}:{key.Start.Line}: duplicate key '{name}'");
                    }

                    obj[name] = Convert(value, source);
                }

                return obj;
            case YamlSequenceNode list:
                return new JsonArray([.. list.Children.Select(c => Convert(c, source))]);
            case YamlScalarNode scalar:
                return Scalar(scalar, source);
            default:
                throw new FormatException($"{source}: unsupported YAML node {node.NodeType}");
        }
    }

    private static JsonValue? Scalar(YamlScalarNode scalar, string source)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain || (!scalar.Tag.IsNonSpecific && !scalar.Tag.IsEmpty && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(value);
        }

        if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (value is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (value is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (Yaml11Bool().IsMatch(value) || Yaml11Octal().IsMatch(value) || Sexagesimal().IsMatch(value))
        {
            throw new FormatException($"{source}:{scalar.Start.Line}: '{value}' reads differently in YAML 1.1 and 1.2: quote it");
        }

        if (Integer().IsMatch(value))
        {
            return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? JsonValue.Create(l) : JsonValue.Create(double.Parse(value, CultureInfo.InvariantCulture));
        }

        if (Float().IsMatch(value))
        {
            return JsonValue.Create(double.Parse(value, CultureInfo.InvariantCulture));
        }

        if (Special().IsMatch(value))
        {
            throw new FormatException($"{source}:{scalar.Start.Line}: '{value}' is outside what we allow in manifests: quote it or write a decimal");
        }

        return JsonValue.Create(value);
    }

    /// <summary>Block YAML for a JSON node (keys sorted, as Helm's toYaml does; strings always double-quoted), no final newline.</summary>
    public static string Write(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(node, text, 0, inList: false);
        return text.ToString().TrimEnd('\n');
    }

    private static void Write(JsonNode? node, StringBuilder text, int indent, bool inList)
    {
        var pad = new string(' ', indent);
        switch (node)
        {
            case JsonObject { Count: 0 }:
                text.Append("{}\n");
                break;
            case JsonArray { Count: 0 }:
                text.Append("[]\n");
                break;
            case JsonObject obj:
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!(first && inList))
                    {
                        text.Append(pad);
                    }

                    first = false;
                    text.Append(JsonSerializer.Serialize(key)).Append(':');
                    WriteChild(value, text, indent);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    text.Append(pad).Append("- ");
                    if (item is JsonObject { Count: > 0 })
                    {
                        Write(item, text, indent + 2, inList: true);
                    }
                    else if (item is JsonArray { Count: > 0 })
                    {
                        text.Append('\n');
                        Write(item, text, indent + 2, inList: false);
                    }
                    else
                    {
                        Write(item, text, indent + 2, inList: true);
                    }
                }

                break;
            default:
                text.Append(node is null ? "null" : node.ToJsonString()).Append('\n');
                break;
        }
    }

    private static void WriteChild(JsonNode? value, StringBuilder text, int indent)
    {
        if (value is JsonObject { Count: > 0 })
        {
            text.Append('\n');
            Write(value, text, indent + 2, inList: false);
        }
        else if (value is JsonArray { Count: > 0 })
        {
            text.Append('\n');
            Write(value, text, indent, inList: false);
        }
        else
        {
            text.Append(' ');
            Write(value, text, indent, inList: false);
        }
    }

    private static string Numbered(string text) =>
        string.Join('\n', text.Split('\n').Select((l, i) => $"{i + 1,4}| {l}"));

    [GeneratedRegex("^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")]
    private static partial Regex Yaml11Bool();

    [GeneratedRegex("^[-+]?0[0-7]+$")]
    private static partial Regex Yaml11Octal();

    [GeneratedRegex("^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?$")]
    private static partial Regex Sexagesimal();

    [GeneratedRegex("^(0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$")]
    private static partial Regex Special();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
