using System.Text.RegularExpressions;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// A label selector in query-string form (apimachinery labels.Parse): k=v, k==v, k!=v,
/// k in (a,b), k notin (a,b), k, !k, joined by commas.
/// </summary>
internal sealed partial class LabelSelectorExpression
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> requirements = [];

    public static LabelSelectorExpression Everything { get; } = new();

    public static LabelSelectorExpression Parse(string? text)
    {
        var selector = new LabelSelectorExpression();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }
        foreach (var term in SplitTerms(text))
        {
            var t = term.Trim();
            Match m;
            if ((m = SetRegex().Match(t)).Success)
            {
                var key = m.Groups["key"].Value;
                var values = m.Groups["values"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
                var notIn = m.Groups["op"].Value == "notin";
                selector.requirements.Add(labels => labels.TryGetValue(key, out var v) ? values.Contains(v) != notIn : notIn);
            }
            else if ((m = CompareRegex().Match(t)).Success)
            {
                var key = m.Groups["key"].Value;
                var value = m.Groups["value"].Value;
                var notEqual = m.Groups["op"].Value == "!=";
                selector.requirements.Add(labels => labels.TryGetValue(key, out var v) ? string.Equals(v, value, StringComparison.Ordinal) != notEqual : notEqual);
            }
            else if ((m = ExistsRegex().Match(t)).Success)
            {
                var key = m.Groups["key"].Value;
                var negate = m.Groups["not"].Success;
                selector.requirements.Add(labels => labels.ContainsKey(key) != negate);
            }
            else
            {
                throw ApiError.BadRequest($"unable to parse requirement: found '{t}', expected: in, notin, =, ==, !=, gt, lt");
            }
        }
        return selector;
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => requirements.All(r => r(labels));

    private static IEnumerable<string> SplitTerms(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(')
            {
                depth++;
            }
            else if (text[i] == ')')
            {
                depth--;
            }
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    private const string Key = @"(?<key>([a-z0-9A-Z.\-]+/)?[a-zA-Z0-9]([a-zA-Z0-9_.\-]*[a-zA-Z0-9])?)";

    [GeneratedRegex("^" + Key + @"\s+(?<op>in|notin)\s*\((?<values>[^)]*)\)$")]
    private static partial Regex SetRegex();

    [GeneratedRegex("^" + Key + @"\s*(?<op>==|=|!=)\s*(?<value>[a-zA-Z0-9_.\-]*)$")]
    private static partial Regex CompareRegex();

    [GeneratedRegex("^(?<not>!)?\\s*" + Key + "$")]
    private static partial Regex ExistsRegex();
}

/// <summary>A field selector; like custom resources on a real server, only metadata.name and metadata.namespace.</summary>
internal sealed class FieldSelectorExpression
{
    private readonly List<Func<StoredObject, bool>> requirements = [];

    public static FieldSelectorExpression Everything { get; } = new();

    public static FieldSelectorExpression Parse(string? text)
    {
        var selector = new FieldSelectorExpression();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }
        foreach (var term in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var notEqual = term.Contains("!=", StringComparison.Ordinal);
            var parts = term.Split(notEqual ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            if (parts.Length != 2)
            {
                throw ApiError.BadRequest($"invalid selector: '{text}'; can't understand '{term}'");
            }
            var (field, value) = (parts[0].Trim(), parts[1].Trim());
            Func<StoredObject, string> get = field switch
            {
                "metadata.name" => o => o.Name,
                "metadata.namespace" => o => o.Namespace,
                _ => throw ApiError.BadRequest($"field label not supported: {field}"),
            };
            selector.requirements.Add(o => string.Equals(get(o), value, StringComparison.Ordinal) != notEqual);
        }
        return selector;
    }

    public bool Matches(StoredObject obj) => requirements.All(r => r(obj));
}
