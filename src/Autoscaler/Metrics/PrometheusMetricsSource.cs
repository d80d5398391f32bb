using System.Diagnostics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>
/// Signals from a Prometheus HTTP API through the <see cref="SignalCatalogue"/>: one query per signal, run a few at a
/// time; a failed query leaves its signal missing (the engine then holds or refuses to scale down), and when no
/// query gets through the snapshot is an outage. Beside them: custom signals (one query per definition, a failure
/// reported on that signal only), each pod's CPU for HPA's per-pod rule, and the doctor's diagnosis of absent signals.
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
        var results = await QueryAllAsync([.. queries.Select(q => ((SignalRef)q.Signal, q.PromQL))], run, cancellationToken);
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

    public Task<IReadOnlyList<Doctor.Finding>> DiagnoseAsync(
        ClusterRef cluster, IReadOnlyDictionary<string, List<string>> needs, DateTimeOffset at, CancellationToken cancellationToken) =>
        new Doctor.SignalDoctor(client, catalogue).ExamineAsync(cluster, needs, [], null, at, cancellationToken);

    public async Task<PodCpuSnapshot> FetchPodCpuAsync(DateTimeOffset at, IReadOnlyCollection<ClusterRef>? only, CancellationToken cancellationToken)
    {
        var (fetch, result) = (await QueryAllAsync([(Policies.Model.Signal.CpuUtilization, catalogue.PodCpuQuery(only))], (q, ct) => client.QueryAsync(q, at, ct), cancellationToken))[0];
        var snapshot = new PodCpuSnapshot(fetch.Clean ? null : fetch.Error ?? string.Join("; ", fetch.Warnings));
        foreach (var series in fetch.Clean ? result!.Series : [])
        {
            if (catalogue.TryPodKey(series, out var cluster, out var pod) && series.Samples.Length > 0 && double.IsFinite(series.Samples[^1].Value))
            {
                snapshot.Add(cluster, pod, series.Samples[^1]);
            }
        }

        return snapshot;
    }

    public async Task<CustomSignalSnapshot> FetchCustomAsync(
        IReadOnlyList<CustomSignalBatch> batches, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var results = await QueryAllAsync(
            [.. batches.Select(b => (SignalRef.Custom(b.Signal.Name), b.PromQL))],
            start == end ? (query, ct) => client.QueryAsync(query, end, ct) : (query, ct) => RangeChunks.QueryAsync(client, query, start, end, step, ct),
            cancellationToken);
        var snapshot = new CustomSignalSnapshot(end);
        for (var i = 0; i < batches.Count; i++)
        {
            var (fetch, result) = results[i];
            if (result is not null && fetch.Clean)
            {
                batches[i].Assign(result, catalogue.Options, snapshot);
                continue;
            }

            // A custom query that fails holds the policies that read it, not the cluster's other signals.
            var problem = fetch.Error ?? $"the answer carried warnings, series may be missing: {string.Join("; ", fetch.Warnings)}";
            foreach (var cluster in batches[i].Clusters)
            {
                snapshot.Fail(cluster, batches[i].Signal.Name, problem);
            }
        }

        return snapshot;
    }

    /// <summary>Runs the queries a few at a time; each comes back with how it went, and its result when it got one.</summary>
    private async Task<(SignalFetch Fetch, QueryResult? Result)[]> QueryAllAsync(
        IReadOnlyList<(SignalRef Signal, string PromQL)> queries, Func<string, CancellationToken, Task<QueryResult>> run, CancellationToken cancellationToken)
    {
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
        return results;
    }
}
