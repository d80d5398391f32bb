using System.Collections.Immutable;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>
/// The signal windows of every cluster, filled by one instant fetch per tick (and a range backfill when a cluster is
/// new), so that building an observation costs no query. Samples older than a cluster's retention are dropped: the
/// daemon's retention, or longer when the cluster's policies read further back (the predictive policy's two days).
/// Thread-safe.
/// </summary>
internal sealed class MetricsStore(TimeSpan retention)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ClusterRef, Dictionary<(Signal, ComponentKind?, string), SampleBuffer>> _clusters = [];
    private readonly Dictionary<ClusterRef, TimeSpan> _backfilled = [];
    private readonly Dictionary<ClusterRef, TimeSpan> _horizons = [];
    private readonly Dictionary<(ClusterRef Cluster, string Signal), SampleBuffer> _custom = [];
    private readonly Dictionary<(ClusterRef Cluster, string Signal), string> _customProblems = [];
    private readonly Dictionary<ClusterRef, IReadOnlyDictionary<string, Sample>> _podCpu = [];

    /// <summary>Keeps at least <paramref name="horizon"/> of the cluster's signals (what its policies read).</summary>
    public void Retain(ClusterRef cluster, TimeSpan horizon)
    {
        using var scope = _lock.EnterScope();
        _horizons[cluster] = horizon;
    }

    public TimeSpan RetentionOf(ClusterRef cluster)
    {
        using var scope = _lock.EnterScope();
        return RetentionLocked(cluster);
    }

    /// <summary>Whether a range query has filled the cluster's windows as far back as its retention.</summary>
    public bool IsBackfilled(ClusterRef cluster)
    {
        using var scope = _lock.EnterScope();
        return _backfilled.TryGetValue(cluster, out var depth) && depth >= RetentionLocked(cluster);
    }

    public void MarkBackfilled(IEnumerable<ClusterRef> clusters, TimeSpan depth)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        using var scope = _lock.EnterScope();
        foreach (var cluster in clusters)
        {
            _backfilled[cluster] = depth;
        }
    }

    public void Ingest(MetricsSnapshot snapshot, IEnumerable<ClusterRef>? clusters = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var scope = _lock.EnterScope();
        foreach (var cluster in clusters ?? snapshot.Clusters)
        {
            var cutoff = snapshot.Time - RetentionLocked(cluster);
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
                    buffer = new SampleBuffer();
                    buffers[id] = buffer;
                }

                buffer.Add(samples);
            }

            foreach (var buffer in buffers.Values)
            {
                buffer.TrimBefore(cutoff);
            }
        }
    }

    /// <summary>
    /// The windows of one component: the cluster-wide signals, and its own per-component ones. Views, not copies: a
    /// buffer never rewrites samples it has handed out.
    /// </summary>
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
                windows.Add(new(signal, buffer.Window));
            }
        }

        return SignalSet.From(windows);
    }

    /// <summary>Replaces the pods' CPU of the clusters fetched (a pod that is gone drops out; a failed fetch leaves none).</summary>
    public void IngestPodCpu(PodCpuSnapshot snapshot, IEnumerable<ClusterRef> clusters)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(clusters);
        using var scope = _lock.EnterScope();
        foreach (var cluster in clusters)
        {
            _podCpu[cluster] = snapshot.Of(cluster);
        }
    }

    /// <summary>The CPU cores each of the cluster's pods used in the last fetch, by pod name.</summary>
    public IReadOnlyDictionary<string, Sample> PodCpu(ClusterRef cluster)
    {
        using var scope = _lock.EnterScope();
        return _podCpu.TryGetValue(cluster, out var pods) ? pods : new Dictionary<string, Sample>();
    }

    /// <summary>Adds what custom queries brought back; a signal that came back clean clears its last problem.</summary>
    public void IngestCustom(CustomSignalSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var scope = _lock.EnterScope();
        foreach (var (key, samples) in snapshot.Samples)
        {
            if (!_custom.TryGetValue(key, out var buffer))
            {
                buffer = new SampleBuffer();
                _custom[key] = buffer;
            }

            buffer.Add(samples);
            buffer.TrimBefore(snapshot.Time - RetentionLocked(key.Cluster));
            _customProblems.Remove(key);
        }

        foreach (var (key, problem) in snapshot.Problems)
        {
            _customProblems[key] = problem;
        }
    }

    /// <summary>The windows of the cluster's custom signals, in the spec's order; one that was never read is empty.</summary>
    public ImmutableArray<CustomWindow> CustomFor(ClusterRef cluster, ImmutableArray<CustomSignalSpec> signals)
    {
        if (signals.IsDefaultOrEmpty)
        {
            return [];
        }

        using var scope = _lock.EnterScope();
        var windows = ImmutableArray.CreateBuilder<CustomWindow>(signals.Length);
        foreach (var signal in signals)
        {
            var window = _custom.TryGetValue((cluster, signal.Name), out var buffer) ? buffer.Window : SignalWindow.Empty;
            windows.Add(new CustomWindow(signal.Name, signal.Unit, window));
        }

        return windows.MoveToImmutable();
    }

    /// <summary>Why the cluster's custom signals could not be read in their last round, by signal name.</summary>
    public IReadOnlyList<(string Signal, string Problem)> CustomProblems(ClusterRef cluster)
    {
        using var scope = _lock.EnterScope();
        return [.. _customProblems.Where(p => p.Key.Cluster == cluster).Select(p => (p.Key.Signal, p.Value)).OrderBy(p => p.Signal, StringComparer.Ordinal)];
    }

    public void Forget(ClusterRef cluster)
    {
        using var scope = _lock.EnterScope();
        foreach (var key in _custom.Keys.Concat(_customProblems.Keys).Where(k => k.Cluster == cluster).ToList())
        {
            _custom.Remove(key);
            _customProblems.Remove(key);
        }

        _clusters.Remove(cluster);
        _podCpu.Remove(cluster);
        _backfilled.Remove(cluster);
        _horizons.Remove(cluster);
    }

    private TimeSpan RetentionLocked(ClusterRef cluster) =>
        _horizons.TryGetValue(cluster, out var horizon) && horizon > retention ? horizon : retention;

    public int ClusterCount
    {
        get
        {
            using var scope = _lock.EnterScope();
            return _clusters.Count;
        }
    }
}
