using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RwAutoscaler.Policies.Configuration;

/// <summary>Turns YAML or JSON text, or a JSON element, into a <see cref="ConfigNode"/> tree.</summary>
public static class ConfigLoader
{
    /// <summary>Parses YAML (JSON is accepted too: it is YAML's flow style). Syntax errors become a <see cref="SpecException"/>.</summary>
    public static ConfigNode Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            // YamlDotNet's messages carry their own position prefix; keep the position, drop the prefix.
            var message = e.InnerException?.Message ?? e.Message;
            var cut = message.IndexOf("): ", StringComparison.Ordinal);
            message = cut >= 0 ? message[(cut + 3)..] : message;
            throw new SpecException(source, [new SpecError("", $"not valid YAML or JSON: {message}", (int)e.Start.Line, (int)e.Start.Column)]);
        }

        if (stream.Documents.Count == 0)
        {
            throw new SpecException(source, [new SpecError("", "the document is empty")]);
        }

        if (stream.Documents.Count > 1)
        {
            throw new SpecException(source, [new SpecError("", "expected one document, found " + stream.Documents.Count)]);
        }

        var errors = new SpecErrorList();
        var node = Convert(stream.Documents[0].RootNode, "", errors);
        errors.ThrowIfAny(source);
        return node;
    }

    /// <summary>Converts JSON from the Kubernetes API (the spec of a custom resource) without positions.</summary>
    public static ConfigNode FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new ConfigMap(element.EnumerateObject()
            .Select(p => new KeyValuePair<string, ConfigNode>(p.Name, FromJson(p.Value))).ToList()),
        JsonValueKind.Array => new ConfigSeq(element.EnumerateArray().Select(FromJson).ToList()),
        JsonValueKind.Null or JsonValueKind.Undefined => new ConfigScalar("", IsNull: true),
        JsonValueKind.String => new ConfigScalar(element.GetString() ?? "", IsNull: false),
        _ => new ConfigScalar(element.GetRawText(), IsNull: false),
    };

    private static ConfigNode Convert(YamlNode node, string path, SpecErrorList errors)
    {
        var line = (int)node.Start.Line;
        var column = (int)node.Start.Column;
        switch (node)
        {
            case YamlMappingNode map:
                // YamlDotNet itself rejects a key that appears twice ("Duplicate key"), with its line.
                var entries = new List<KeyValuePair<string, ConfigNode>>(map.Children.Count);
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    var key = (keyNode as YamlScalarNode)?.Value ?? "";
                    entries.Add(new(key, Convert(valueNode, path.Length == 0 ? key : $"{path}.{key}", errors)));
                }

                return new ConfigMap(entries, line, column);
            case YamlSequenceNode seq:
                return new ConfigSeq(seq.Children.Select((c, i) => Convert(c, $"{path}[{i}]", errors)).ToList(), line, column);
            case YamlScalarNode scalar:
                var isNull = scalar.Style == YamlDotNet.Core.ScalarStyle.Plain
                    && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
                return new ConfigScalar(scalar.Value ?? "", isNull, line, column);
            default:
                errors.Add(path, "aliases and other YAML node kinds are not supported");
                return new ConfigScalar("", true, line, column);
        }
    }
}
