using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Prometheus;

internal enum ResultType
{
    Vector,
    Matrix,
    Scalar,
}

/// <summary>One time series of a result: its labels (without <c>__name__</c> after aggregation) and its samples, oldest first.</summary>
internal sealed record Series(IReadOnlyDictionary<string, string> Labels, Sample[] Samples)
{
    public string? Label(string name) => Labels.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A successful answer of the query API. <see cref="Warnings"/> (and Prometheus 2.45+'s <c>infos</c>) say the result
/// may be partial or approximate; the caller decides what that means for it.
/// </summary>
internal sealed record QueryResult(ResultType Type, IReadOnlyList<Series> Series, IReadOnlyList<string> Warnings, IReadOnlyList<string> Infos)
{
    public static QueryResult Empty(ResultType type) => new(type, [], [], []);
}
