using System.Text.RegularExpressions;

namespace RwAutoscaler.Chart.Tests.Support;

/// <summary>
/// The metric names a PromQL expression reads: identifiers that are not functions, keywords, label names in a
/// grouping or matcher, durations or strings. Enough of PromQL's lexer for the dashboard's and the rules' queries.
/// </summary>
internal static partial class PromQl
{
    private static readonly HashSet<string> Keywords = ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"];

    public static IReadOnlySet<string> MetricNames(string expression)
    {
        // Grafana's variables are not PromQL: $__rate_interval and friends stand for durations.
        var text = GrafanaVariable().Replace(expression, "5m");
        text = StringLiteral().Replace(text, "\"\"");
        text = Braces().Replace(text, "{}");
        text = Brackets().Replace(text, "[]");
        text = Grouping().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Identifier().Matches(text))
        {
            var name = m.Groups[1].Value;
            var followedByParen = m.Groups[2].Value == "(";
            if (!followedByParen && !Keywords.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    [GeneratedRegex(@"\$\{?__[a-z_]+\}?")]
    private static partial Regex GrafanaVariable();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\(?)")]
    private static partial Regex Identifier();
}
