using System.Text;

namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>Values written into PromQL text: string literals and RE2 patterns.</summary>
internal static class PromQLText
{
    /// <summary>A double-quoted PromQL string literal.</summary>
    public static string Quote(string value) => $"\"{EscapeString(value)}\"";

    /// <summary>What goes between the quotes of a PromQL string literal (Go's escapes).</summary>
    public static string EscapeString(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var ch in value)
        {
            text.Append(ch switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                _ => ch.ToString(),
            });
        }

        return text.ToString();
    }

    /// <summary>
    /// A value matched literally in an RE2 pattern. Kubernetes names only ever contain '.' and '-' of the
    /// metacharacters, but namespaces from alerts are input.
    /// </summary>
    public static string RegexEscape(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var ch in value)
        {
            if (@"\.+*?()|[]{}^$".Contains(ch, StringComparison.Ordinal))
            {
                text.Append('\\');
            }

            text.Append(ch);
        }

        return text.ToString();
    }

    /// <summary>An RE2 alternation matching exactly these values, sorted so that the same set always gives the same text.</summary>
    public static string Alternation(IEnumerable<string> values) =>
        string.Join('|', values.Select(RegexEscape).Distinct().Order(StringComparer.Ordinal));
}
