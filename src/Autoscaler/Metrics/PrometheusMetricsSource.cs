using System.Diagnostics;
using RwAutoscaler.Autoscaler.Prometheus;

namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>
/// Signals from a Prometheus HTTP API through the <see cref="SignalCatalogue"/>: one query per signal, run a few at a
/// time; a failed query leaves its signal missing (the engine then holds or refuses to scale down), and when no
/// query gets through the snapshot is an outage.
/// </summary>
internal sealed class PrometheusMetricsSource(IPrometheusClient client, SignalCatalogue catalogue, int parallelism = 4) : IMetricsSource
{
    /// <summary>Called after each query: the signal, how long it took, and the error if it failed (daemon metrics hook here).</summary>
    public Action<SignalFetch>? OnQuery { get; init; }

    public string Name => $"prometheus {PrometheusAddress.Redact(client.Address)}";

    public SignalCatalogue Catalogue => catalogue;

    public Task<MetricsSnapshot> FetchAsync(DateTimeOffset at, IReadOnlyCollection<ClusterRef>? only, CancellationToken cancellationToken) =>
        RunAsync(at, only, (query, ct) => client.QueryAsync(query, at, ct), cancellationToken);

    public Task<MetricsSnapshot> FetchRangeAsync(
        DateTimeOffset start, DateTimeOffset end, TimeSpan step, IReadOnlyCollection<ClusterRef>? only, CancellationToken cancellationToken) =>
        RunAsync(end, only, (query, ct) => RangeChunks.QueryAsync(client, query, start, end, step, ct), cancellationToken);

    private async Task<MetricsSnapshot> RunAsync(
        DateTimeOffset time, IReadOnlyCollection<ClusterRef>? only, Func<string, CancellationToken, Task<QueryResult>> run, CancellationToken cancellationToken)
    {
        var queries = only is null ? catalogue.Queries : catalogue.For(only);
        var results = new (SignalFetch Fetch, QueryResult? Result)[queries.Count];
        using var gate = new SemaphoreSlim(Math.Max(1, parallelism));
        await Task.WhenAll(queries.Select(async (query, i) =>
        {
            await gate.WaitAsync(cancellationToken);
            var clock = Stopwatch.StartNew();
            try
            {
                var result = await run(query.PromQL, cancellationToken);
                results[i] = (new SignalFetch(query.Signal, null, result.Warnings, clock.Elapsed), result);
            }
            catch (PrometheusException e)
            {
                results[i] = (new SignalFetch(query.Signal, e.Message, [], clock.Elapsed), null);
            }
            finally
            {
                gate.Release();
            }

            OnQuery?.Invoke(results[i].Fetch);
        }));

        var snapshot = new MetricsSnapshot(time, results.Select(r => r.Fetch).ToArray());
        var wanted = only is null ? null : new HashSet<ClusterRef>(only);
        for (var i = 0; i < queries.Count; i++)
        {
            if (results[i].Result is not { } result)
            {
                continue;
            }

            foreach (var series in result.Series)
            {
                if (catalogue.TryKey(queries[i], series, out var key) && (wanted is null || wanted.Contains(key.Cluster)))
                {
                    // NaN or infinity is no number to decide on: that cluster's signal counts as missing this round, which
                    // forbids scaling it down (and reports SignalsMissing), without holding the other clusters.
                    if (Array.FindAll(series.Samples, s => double.IsFinite(s.Value)) is { Length: > 0 } finite)
                    {
                        snapshot.Add(queries[i].Signal, key, finite);
                    }
                }
            }
        }

        return snapshot;
    }
}
