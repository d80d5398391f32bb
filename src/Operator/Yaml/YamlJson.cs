using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace RwAutoscaler.Operator.Yaml;

/// <summary>
/// YAML to JSON and back, with the YAML 1.2 core schema kubectl's decoder applies to plain scalars
/// (true/false, null, integers and floats; everything else, and anything quoted, is a string).
/// </summary>
internal static partial class YamlJson
{
    /// <summary>Every document of a (multi-document) YAML text; empty documents are skipped.</summary>
    public static IReadOnlyList<JsonNode> Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonNode>().ToList();
    }

    public static string Write(JsonNode node)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(writer, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024, indentSequences: false));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new YamlException(node.Start, node.End, $"unsupported YAML node {node.NodeType}"),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return Number(number.ToString(CultureInfo.InvariantCulture));
        }

        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return Number(real.ToString("R", CultureInfo.InvariantCulture));
        }

        return JsonValue.Create(text);
    }

    /// <summary>A number as JSON text parses it, so it reads back as any numeric type it fits (int, long, double).</summary>
    private static JsonValue Number(string json) => (JsonValue)JsonNode.Parse(json)!;

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, true, MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    EmitString(emitter, key);
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                EmitString(emitter, text);
                break;
            default:
                emitter.Emit(new Scalar(null, null, node.ToJsonString(), ScalarStyle.Plain, true, false));
                break;
        }
    }

    /// <summary>Plain where that reads back as the same string, quoted where it would read as something else.</summary>
    private static void EmitString(IEmitter emitter, string text)
    {
        var plain = JsonValue.Create(text).ToJsonString() == (Scalar(new YamlScalarNode(text)) ?? JsonValue.Create("\0"))!.ToJsonString()
            && !text.Contains('\n', StringComparison.Ordinal);
        emitter.Emit(new Scalar(null, null, text, plain ? ScalarStyle.Any : ScalarStyle.SingleQuoted, true, true));
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")]
    private static partial Regex Float();
}
