namespace RwAutoscaler.Policies.Configuration;

/// <summary>
/// A signal the spec defines with its own PromQL (<c>signals: [{name, query, unit}]</c>): one number per cluster, which
/// <c>utilization</c> (as an External metric) and external policies may read by name. <c>{{namespace}}</c> and
/// <c>{{name}}</c> in the query stand for the clusters' namespaces and names, as regular expressions for <c>=~</c>, so
/// that one query serves every cluster that shares it.
/// </summary>
public sealed record CustomSignalSpec(string Name, string Query, string Unit)
{
    public const string NamespacePlaceholder = "{{namespace}}";
    public const string NamePlaceholder = "{{name}}";

    /// <summary>Whether the query names its clusters; one that does not is one value shared by every cluster that uses it.</summary>
    public bool IsTemplated =>
        Query.Contains(NamespacePlaceholder, StringComparison.Ordinal) || Query.Contains(NamePlaceholder, StringComparison.Ordinal);

    /// <summary>A signal name: a letter, then letters and digits, at most 63 (the catalogue's names have this form).</summary>
    public static bool IsName(string? name) =>
        name is { Length: > 0 and <= 63 } && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);
}
