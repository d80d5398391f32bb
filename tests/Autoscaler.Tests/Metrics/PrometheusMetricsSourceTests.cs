using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Metrics;

public sealed class PrometheusMetricsSourceTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    internal sealed record Case(string Name, Func<string, QueryResult>? Answer, PrometheusErrorKind? FailAll, int Clusters, bool Outage, int Series, string? FailingSignal)
    {
        public override string ToString() => Name;
    }

    private static QueryResult Vector(params (string Ns, string Name, string? Component, double Value)[] rows) => new(
        ResultType.Vector,
        rows.Select(r =>
        {
            var labels = new Dictionary<string, string> { ["namespace"] = r.Ns, ["risingwave_name"] = r.Name };
            if (r.Component is not null)
            {
                labels["risingwave_component"] = r.Component;
            }

            return new Series(labels, [new Sample(At, r.Value)]);
        }).ToArray(),
        [],
        []);

    // Every signal but cpuUtilization is per cluster.
    private const int ClusterSignals = SignalNames.Count - 1;

    private static readonly Case[] All =
    [
        new Case("every query answers for two clusters", q => q.Contains("process_cpu", StringComparison.Ordinal)
            ? Vector(("a", "rw", "compute", 0.5), ("a", "rw", "compactor", 0.2), ("b", "rw", "compute", 0.9))
            : Vector(("a", "rw", null, 1), ("b", "rw", null, 2)), null, 2, false, (ClusterSignals * 2) + 3, null),
        new Case("a series without the cluster labels is ignored", _ => new QueryResult(ResultType.Vector,
            [new Series(new Dictionary<string, string> { ["job"] = "x" }, [new Sample(At, 1)])], [], []), null, 0, false, 0, null),
        new Case("a component that is not scaled is ignored", q => q.Contains("process_cpu", StringComparison.Ordinal)
            ? Vector(("a", "rw", "meta", 0.5)) : Vector(("a", "rw", null, 1)), null, 1, false, ClusterSignals, null),
        new Case("one bad query is an outage: nothing is decided from a partial picture", q => q.Contains("histogram_quantile", StringComparison.Ordinal)
            ? throw new PrometheusException(PrometheusErrorKind.BadQuery, "bad_data: parse error")
            : Vector(("a", "rw", null, 1)), null, 1, true, ClusterSignals - 1, "BarrierLatencyP99"),
        new Case("one server error (internal, unavailable) is an outage", q => q.Contains("histogram_quantile", StringComparison.Ordinal)
            ? throw new PrometheusException(PrometheusErrorKind.ServerError, "HTTP 503 unavailable: too many queries") { ErrorType = "unavailable" }
            : Vector(("a", "rw", null, 1)), null, 1, true, ClusterSignals - 1, "BarrierLatencyP99"),
        new Case("an answer with warnings is an outage", q => q.Contains("histogram_quantile", StringComparison.Ordinal)
            ? Vector(("a", "rw", null, 1)) with { Warnings = ["remote read failed: series may be missing"] }
            : Vector(("a", "rw", null, 1)), null, 1, true, ClusterSignals, null),
        new Case("a NaN or infinite value is no sample: that cluster's signals are missing, the others are read", q =>
            Vector(("a", "rw", q.Contains("process_cpu", StringComparison.Ordinal) ? "compute" : null, double.NaN), ("b", "rw", q.Contains("process_cpu", StringComparison.Ordinal) ? "compute" : null, double.PositiveInfinity))
, null, 0, false, 0, null),
        new Case("nobody answers: an outage", null, PrometheusErrorKind.Unreachable, 0, true, 0, "IngestRate"),
        new Case("every query timing out: an outage", null, PrometheusErrorKind.Timeout, 0, true, 0, "IngestRate"),
        new Case("every query rejected: an outage too", null, PrometheusErrorKind.BadQuery, 0, true, 0, "IngestRate"),
    ];

    public static TheoryData<string> Cases => [.. All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fetches_one_query_per_signal_and_sorts_series_by_cluster(string name)
    {
        var c = All.Single(x => x.Name == name);
        var client = new ScriptedClient(q => c.FailAll is { } kind ? throw new PrometheusException(kind, kind.ToString()) : c.Answer!(q));
        var source = new PrometheusMetricsSource(client, new SignalCatalogue());
        var snapshot = await source.FetchAsync(At, null, CancellationToken.None);
        Assert.Equal(SignalNames.Count, client.Queries.Count);
        Assert.Equal(c.Outage, snapshot.IsOutage);
        Assert.Equal(c.Clusters, snapshot.Clusters.Count());
        Assert.Equal(c.Series, snapshot.SeriesCount);
        var failed = snapshot.Fetches.FirstOrDefault(f => !f.Ok);
        Assert.Equal(c.FailingSignal, failed?.Signal.BuiltIn?.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task The_number_of_queries_does_not_grow_with_the_clusters(int clusters)
    {
        var rows = Enumerable.Range(0, clusters).Select(i => ($"ns-{i}", "rw", (string?)null, 1.0)).ToArray();
        var client = new ScriptedClient(_ => Vector(rows));
        var source = new PrometheusMetricsSource(client, new SignalCatalogue());
        var snapshot = await source.FetchAsync(At, null, CancellationToken.None);
        Assert.Equal(SignalNames.Count, client.Queries.Count);
        Assert.Equal(clusters, snapshot.Clusters.Count());
    }

    [Fact]
    public async Task Restricting_to_some_clusters_keeps_one_query_per_signal_and_drops_the_others()
    {
        var client = new ScriptedClient(_ => Vector(("a", "rw", null, 1), ("b", "rw", null, 2)));
        var source = new PrometheusMetricsSource(client, new SignalCatalogue());
        var snapshot = await source.FetchAsync(At, [new ClusterRef("a", "rw")], CancellationToken.None);
        Assert.Equal(SignalNames.Count, client.Queries.Count);
        Assert.All(client.Queries, q => Assert.Contains("namespace=~\"a\"", q, StringComparison.Ordinal));
        Assert.Equal([new ClusterRef("a", "rw")], snapshot.Clusters);
    }

    [Fact]
    public async Task Each_query_is_reported_to_the_hook()
    {
        var seen = new List<SignalFetch>();
        var client = new ScriptedClient(_ => Vector());
        var source = new PrometheusMetricsSource(client, new SignalCatalogue()) { OnQuery = f => { lock (seen) { seen.Add(f); } } };
        await source.FetchAsync(At, null, CancellationToken.None);
        Assert.Equal(SignalNames.Count, seen.Count);
    }

    private sealed class ScriptedClient(Func<string, QueryResult> answer) : IPrometheusClient
    {
        private readonly List<string> _queries = [];

        public IReadOnlyList<string> Queries
        {
            get
            {
                lock (_queries)
                {
                    return [.. _queries];
                }
            }
        }

        public Uri Address { get; } = new("http://prometheus.test:9090");

        public Task<QueryResult> QueryAsync(string query, DateTimeOffset time, CancellationToken cancellationToken)
        {
            lock (_queries)
            {
                _queries.Add(query);
            }

            return Task.FromResult(answer(query));
        }

        public Task<QueryResult> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken) =>
            QueryAsync(query, end, cancellationToken);
    }
}
