using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>How fetching one signal went.</summary>
internal sealed record SignalFetch(Signal Signal, string? Error, bool Outage, IReadOnlyList<string> Warnings, TimeSpan Duration)
{
    public bool Ok => Error is null;
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

    /// <summary>True when no query got through: the source is down, and nothing should be decided from it.</summary>
    public bool IsOutage => Fetches.Count > 0 && Fetches.All(f => f.Outage);

    /// <summary>The first error, for a condition message.</summary>
    public string? FirstError => Fetches.FirstOrDefault(f => !f.Ok)?.Error;

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
