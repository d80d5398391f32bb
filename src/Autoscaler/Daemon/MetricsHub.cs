using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Policies.Configuration;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>How the last fetch from a cluster's Prometheus went.</summary>
internal sealed record EndpointStatus(bool Available, string? Error, DateTimeOffset? FetchedAt, string Source)
{
    public static EndpointStatus NotFetched(string source) => new(false, "no fetch yet", null, source);
}

/// <summary>One cluster whose signals a batch needs, where they come from, and how far back its policies read them.</summary>
internal sealed record MetricsNeed(ClusterRef Target, string EndpointKey, Func<CancellationToken, Task<IMetricsSource>> Source)
{
    public TimeSpan Horizon { get; init; }

    /// <summary>The custom signals the cluster's spec defines, queried with the catalogue's signals.</summary>
    public ImmutableArray<CustomSignalSpec> Signals { get; init; } = [];

    /// <summary>Whether the cluster's policies apply HPA's per-pod CPU rule, which needs each pod's CPU.</summary>
    public bool PerPodCpu { get; init; }
}

/// <summary>
/// Keeps every tracked cluster's signal windows filled: per Prometheus endpoint, one instant fetch (one query per signal
/// for all clusters) when the last is older than <c>maxAge</c>; when an alert asks for fresh data about a few clusters,
/// one query per signal restricted to them; and one range fetch to backfill clusters seen for the first time (after a
/// restart, their windows are full at once). Custom signals ride along: one query per distinct signal definition for all
/// the clusters that share it. An endpoint that does not answer is an outage for its clusters until it answers again.
/// Not re-entrant: the scheduler runs one refresh at a time.
/// </summary>
internal sealed class MetricsHub(MetricsStore store, TimeProvider time, TimeSpan maxAge, TimeSpan backfillStep, ILogger log)
{
    public const string DefaultEndpoint = "default";

    /// <summary>
    /// Queries select only the clusters this replica tracks, even on a full fetch: with shards, each replica asks
    /// Prometheus for its own clusters only, so the load per replica does not grow with the whole fleet.
    /// </summary>
    public bool RestrictToTracked { get; init; }

    private readonly Dictionary<string, Endpoint> _endpoints = new(StringComparer.Ordinal);
    // Each tracked cluster's last need: its endpoint, its custom signals, whether it reads each pod's CPU.
    private readonly Dictionary<ClusterRef, MetricsNeed> _tracked = [];
    private readonly Lock _lock = new();

    public MetricsStore Store => store;

    /// <summary>Number of fetches (instant and range) so far, for tests and the benchmark.</summary>
    public int Fetches { get; private set; }

    public EndpointStatus StatusOf(ClusterRef target)
    {
        using var scope = _lock.EnterScope();
        return _tracked.TryGetValue(target, out var need) && _endpoints.TryGetValue(need.EndpointKey, out var endpoint)
            ? endpoint.Status
            : EndpointStatus.NotFetched("none");
    }

    public void Forget(ClusterRef target)
    {
        using (_lock.EnterScope())
        {
            _tracked.Remove(target);
        }

        store.Forget(target);
    }

    /// <summary>Brings the windows of <paramref name="needs"/> up to date; <paramref name="fresh"/> forces an instant fetch.</summary>
    public async Task RefreshAsync(IReadOnlyCollection<MetricsNeed> needs, bool fresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(needs);
        foreach (var group in needs.GroupBy(n => n.EndpointKey, StringComparer.Ordinal))
        {
            Endpoint endpoint;
            using (_lock.EnterScope())
            {
                foreach (var need in group)
                {
                    _tracked[need.Target] = need;
                    store.Retain(need.Target, need.Horizon);
                }

                if (!_endpoints.TryGetValue(group.Key, out endpoint!))
                {
                    endpoint = new Endpoint();
                    _endpoints[group.Key] = endpoint;
                }
            }

            IMetricsSource source;
            try
            {
                source = await group.First().Source(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Credentials that cannot be read, a CA that does not parse: this endpoint's clusters hold.
                endpoint.Status = new EndpointStatus(false, e.Message, time.GetUtcNow(), group.Key);
                continue;
            }

            var now = time.GetUtcNow();
            var tracked = Tracked(group.Key);
            var newcomers = group.Select(n => n.Target).Distinct().Where(t => !store.IsBackfilled(t)).ToList();
            if (newcomers.Count > 0)
            {
                await BackfillAsync(source, endpoint, newcomers, tracked.Count, now, cancellationToken);
            }

            var due = endpoint.LastFull is not { } last || now - last >= maxAge || !endpoint.Status.Available;
            if (due || fresh)
            {
                // An alert about a few clusters needs only theirs: still one query per signal, but small answers.
                var targets = group.Select(n => n.Target).Distinct().ToList();
                var only = RestrictToTracked ? (due ? tracked : targets) : !due && targets.Count * 2 <= tracked.Count ? targets : null;
                var snapshot = await source.FetchAsync(now, only, cancellationToken);
                Fetches++;
                endpoint.Status = new EndpointStatus(!snapshot.IsOutage, snapshot.FirstError, now, source.Name);
                if (snapshot.IsOutage)
                {
                    log.LogWarning("{Source} is unavailable: {Error}; its clusters hold", source.Name, snapshot.FirstError);
                }
                else
                {
                    store.Ingest(snapshot, only ?? tracked);
                    await FetchCustomAsync(source, only ?? tracked, now, now, cancellationToken);
                    await FetchPodCpuAsync(source, only ?? tracked, now, cancellationToken);

                    // Under shards a full fetch is restricted to this replica's clusters; it is full all the same.
                    endpoint.LastFull = only is null || ReferenceEquals(only, tracked) ? now : endpoint.LastFull;
                }
            }
        }
    }

    private async Task BackfillAsync(IMetricsSource source, Endpoint endpoint, List<ClusterRef> newcomers, int trackedCount, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One range fetch per depth: clusters whose policies read days back (predictive) do not make every other
        // cluster's backfill as long. A new cluster, or one whose new spec reads further back, is backfilled again.
        foreach (var depth in newcomers.GroupBy(store.RetentionOf))
        {
            var clusters = depth.ToList();

            // Most clusters new (a restart): one unrestricted range query per signal; a few: restricted to them.
            var only = !RestrictToTracked && clusters.Count * 2 > trackedCount ? null : clusters;
            var snapshot = await source.FetchRangeAsync(now - depth.Key, now, backfillStep, only, cancellationToken);
            Fetches++;
            if (snapshot.IsOutage)
            {
                endpoint.Status = new EndpointStatus(false, snapshot.FirstError, now, source.Name);
                return;
            }

            store.Ingest(snapshot, clusters);
            await FetchCustomAsync(source, clusters, now - depth.Key, now, cancellationToken);
            store.MarkBackfilled(clusters, depth.Key);
        }
    }

    private async Task FetchCustomAsync(IMetricsSource source, IReadOnlyCollection<ClusterRef> clusters, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        IReadOnlyList<CustomSignalBatch> batches;
        using (_lock.EnterScope())
        {
            batches = CustomSignalBatch.For(clusters.Select(c => (c, _tracked.TryGetValue(c, out var need) ? need.Signals : [])));
        }

        if (batches.Count > 0)
        {
            store.IngestCustom(await source.FetchCustomAsync(batches, start, end, backfillStep, cancellationToken));
        }
    }

    // Only for the clusters whose policies apply HPA's per-pod rule (a Pods metric on cpuUtilization): one query for them all.
    private async Task FetchPodCpuAsync(IMetricsSource source, IReadOnlyCollection<ClusterRef> clusters, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<ClusterRef> wanted;
        using (_lock.EnterScope())
        {
            wanted = [.. clusters.Where(c => _tracked.TryGetValue(c, out var need) && need.PerPodCpu)];
        }

        if (wanted.Count == 0)
        {
            return;
        }

        var snapshot = await source.FetchPodCpuAsync(now, wanted, cancellationToken);
        if (snapshot.Error is { } error)
        {
            // The pods then carry no CPU: the engine falls back to the component's average, as without a pod view.
            log.LogWarning("per-pod CPU could not be read from {Source}: {Error}", source.Name, error);
        }

        store.IngestPodCpu(snapshot, wanted);
    }

    private List<ClusterRef> Tracked(string key)
    {
        using var scope = _lock.EnterScope();
        return _tracked.Where(t => t.Value.EndpointKey == key).Select(t => t.Key).ToList();
    }

    private sealed class Endpoint
    {
        public EndpointStatus Status { get; set; } = EndpointStatus.NotFetched("");

        /// <summary>When every tracked cluster was last fetched (a fetch for an alert covers only its clusters).</summary>
        public DateTimeOffset? LastFull { get; set; }
    }
}
