using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>
/// The signal windows of every cluster, filled by one instant fetch per tick (and a range backfill when a cluster is
/// new), so that building an observation costs no query. Samples older than the retention are dropped. Thread-safe.
/// </summary>
internal sealed class MetricsStore(TimeSpan retention)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ClusterRef, Dictionary<(Signal, ComponentKind?, string), List<Sample>>> _clusters = [];

    public TimeSpan Retention => retention;

    /// <summary>Clusters whose windows were filled by a range query (or that have been followed long enough).</summary>
    public bool IsBackfilled(ClusterRef cluster)
    {
        using var scope = _lock.EnterScope();
        return _backfilled.Contains(cluster);
    }

    private readonly HashSet<ClusterRef> _backfilled = [];

    public void MarkBackfilled(IEnumerable<ClusterRef> clusters)
    {
        using var scope = _lock.EnterScope();
        _backfilled.UnionWith(clusters);
    }

    public void Ingest(MetricsSnapshot snapshot, IEnumerable<ClusterRef>? clusters = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var scope = _lock.EnterScope();
        var cutoff = snapshot.Time - retention;
        foreach (var cluster in clusters ?? snapshot.Clusters)
        {
            if (!_clusters.TryGetValue(cluster, out var buffers))
            {
                buffers = [];
                _clusters[cluster] = buffers;
            }

            foreach (var (signal, key, samples) in snapshot.Of(cluster))
            {
                var id = (signal, key.Component, key.Group);
                if (!buffers.TryGetValue(id, out var buffer))
                {
                    buffer = new List<Sample>(samples.Length + 8);
                    buffers[id] = buffer;
                }

                Merge(buffer, samples);
            }

            foreach (var buffer in buffers.Values)
            {
                var drop = 0;
                while (drop < buffer.Count && buffer[drop].Time < cutoff)
                {
                    drop++;
                }

                buffer.RemoveRange(0, drop);
            }
        }
    }

    /// <summary>The windows of one component: the cluster-wide signals, and its own per-component ones.</summary>
    public SignalSet SignalsFor(ClusterRef cluster, ComponentKey component)
    {
        using var scope = _lock.EnterScope();
        if (!_clusters.TryGetValue(cluster, out var buffers))
        {
            return SignalSet.Empty;
        }

        var windows = new List<KeyValuePair<Signal, SignalWindow>>();
        foreach (var ((signal, kind, group), buffer) in buffers)
        {
            var matches = kind is null
                || (kind == component.Kind && (group == component.Group
                    || (group.Length == 0 && !buffers.ContainsKey((signal, kind, component.Group)))));
            if (matches && buffer.Count > 0)
            {
                windows.Add(new(signal, new SignalWindow(buffer.ToArray())));
            }
        }

        return SignalSet.From(windows);
    }

    public void Forget(ClusterRef cluster)
    {
        using var scope = _lock.EnterScope();
        _clusters.Remove(cluster);
        _backfilled.Remove(cluster);
    }

    public int ClusterCount
    {
        get
        {
            using var scope = _lock.EnterScope();
            return _clusters.Count;
        }
    }

    // Instant fetches arrive in time order and append; a range backfill may land before what is there.
    private static void Merge(List<Sample> buffer, Sample[] samples)
    {
        foreach (var sample in samples)
        {
            if (buffer.Count == 0 || sample.Time > buffer[^1].Time)
            {
                buffer.Add(sample);
                continue;
            }

            var index = buffer.BinarySearch(sample, TimeOrder.Instance);
            if (index < 0)
            {
                buffer.Insert(~index, sample);
            }
        }
    }

    private sealed class TimeOrder : IComparer<Sample>
    {
        public static TimeOrder Instance { get; } = new();

        public int Compare(Sample x, Sample y) => x.Time.CompareTo(y.Time);
    }
}
