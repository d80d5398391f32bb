using System.Text;
using RwAutoscaler.Policies.Configuration;

namespace RwAutoscaler.Simulator.Tuning;

/// <summary>Writes a configuration tree back as block-style YAML (the tuned policy file).</summary>
internal static class YamlWriter
{
    public static string Write(ConfigNode root, string? header = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        var text = new StringBuilder();
        if (header is not null)
        {
            foreach (var line in header.Split('\n'))
            {
                text.Append("# ").AppendLine(line.TrimEnd());
            }
        }

        WriteNode(text, root, 0, inList: false);
        return text.ToString();
    }

    private static void WriteNode(StringBuilder text, ConfigNode node, int indent, bool inList)
    {
        switch (node)
        {
            case ConfigMap map:
                var first = true;
                foreach (var (key, value) in map.Entries)
                {
                    var pad = inList && first ? "" : new string(' ', indent);
                    first = false;
                    text.Append(pad).Append(key).Append(':');
                    WriteValue(text, value, indent + 2);
                }

                break;
            case ConfigSeq seq:
                foreach (var item in seq.Items)
                {
                    text.Append(' ', indent).Append("- ");
                    if (item is ConfigScalar scalar)
                    {
                        text.AppendLine(Scalar(scalar));
                    }
                    else
                    {
                        WriteNode(text, item, indent + 2, inList: true);
                    }
                }

                break;
            case ConfigScalar scalar:
                text.Append(' ', indent).AppendLine(Scalar(scalar));
                break;
        }
    }

    private static void WriteValue(StringBuilder text, ConfigNode value, int indent)
    {
        switch (value)
        {
            case ConfigScalar scalar:
                text.Append(' ').AppendLine(Scalar(scalar));
                break;
            case ConfigMap { Entries.Count: 0 }:
                text.AppendLine(" {}");
                break;
            case ConfigSeq { Items.Count: 0 }:
                text.AppendLine(" []");
                break;
            case ConfigSeq:
                text.AppendLine();
                WriteNode(text, value, indent, inList: false);
                break;
            default:
                text.AppendLine();
                WriteNode(text, value, indent, inList: false);
                break;
        }
    }

    private static string Scalar(ConfigScalar scalar)
    {
        if (scalar.IsNull)
        {
            return "null";
        }

        var value = scalar.Value;
        var plain = value.Length > 0
            && !value.Any(c => c is ':' or '#' or '{' or '}' or '[' or ']' or ',' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`')
            && value.Trim() == value && value is not ("null" or "~");
        return plain ? value : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
