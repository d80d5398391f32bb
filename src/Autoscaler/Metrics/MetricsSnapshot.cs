using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>How fetching one signal went: clean data only when there is neither an error nor a warning.</summary>
internal sealed record SignalFetch(SignalRef Signal, string? Error, IReadOnlyList<string> Warnings, TimeSpan Duration)
{
    public bool Ok => Error is null;

    public bool Clean => Ok && Warnings.Count == 0;
}

/// <summary>What one fetch brought back: samples per signal and series key, and how each signal's query went.</summary>
internal sealed class MetricsSnapshot
{
    private readonly Dictionary<ClusterRef, List<(Signal Signal, SeriesKey Key, Sample[] Samples)>> _byCluster = [];

    public MetricsSnapshot(DateTimeOffset time, IReadOnlyList<SignalFetch> fetches)
    {
        Time = time;
        Fetches = fetches;
    }

    public DateTimeOffset Time { get; }

    public IReadOnlyList<SignalFetch> Fetches { get; }

    /// <summary>
    /// True when any query did not bring back clean data: an error of any kind (a JSON error status, a malformed
    /// answer, a timeout, no answer) or warnings, which mean series may be missing. Nothing is decided from this
    /// source until its answers are clean again (fail closed).
    /// </summary>
    public bool IsOutage => Fetches.Any(f => !f.Clean);

    /// <summary>The first error (or warning), for a condition message.</summary>
    public string? FirstError => Fetches.FirstOrDefault(f => !f.Clean) is not { } bad ? null
        : bad.Error ?? $"{bad.Signal.Name}: the answer carried warnings, series may be missing: {string.Join("; ", bad.Warnings)}";

    public IEnumerable<ClusterRef> Clusters => _byCluster.Keys;

    public int SeriesCount => _byCluster.Values.Sum(l => l.Count);

    public void Add(Signal signal, SeriesKey key, Sample[] samples)
    {
        if (!_byCluster.TryGetValue(key.Cluster, out var list))
        {
            list = [];
            _byCluster[key.Cluster] = list;
        }

        list.Add((signal, key, samples));
    }

    public IReadOnlyList<(Signal Signal, SeriesKey Key, Sample[] Samples)> Of(ClusterRef cluster) =>
        _byCluster.TryGetValue(cluster, out var list) ? list : [];
}
