using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Policies.Configuration;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Metrics;

/// <summary>
/// Issue 16's custom signals against a real Prometheus scraping an exporter of a sink's backlog and a business KPI:
/// one query per signal definition for every cluster that shares it, each cluster's value from its own series, and
/// every way a query can fail reported on the signal by name.
/// </summary>
public sealed class CustomSignalsOnPrometheusTests
{
    private static readonly ClusterRef A = new("prod", "rw-a");
    private static readonly ClusterRef B = new("prod", "rw.b");
    private static readonly ClusterRef C = new("stage", "rw-a");
    private static readonly ClusterRef Missing = new("prod", "absent");

    private const string Exposition = """
        # TYPE sink_backlog_messages gauge
        sink_backlog_messages{namespace="prod",risingwave_name="rw-a",sink="s1"} 100
        sink_backlog_messages{namespace="prod",risingwave_name="rw-a",sink="s2"} 50
        sink_backlog_messages{namespace="prod",risingwave_name="rw.b",sink="s1"} 7
        sink_backlog_messages{namespace="prod",risingwave_name="rwxb",sink="s1"} 9
        sink_backlog_messages{namespace="stage",risingwave_name="rw-a",sink="s1"} 1000
        # TYPE orders_pending gauge
        orders_pending 42

        """;

    private static CustomSignalSpec Backlog(string inner = "sink_backlog_messages{namespace=~\"{{namespace}}\",risingwave_name=~\"{{name}}\"}") =>
        new("sinkBacklog", $"sum by (namespace, risingwave_name) ({inner})", "messages");

    // No target labels: the series carry their own namespace and risingwave_name, as an exporter of a sink's state would.
    private static Task<ScrapedExporter> Scraped(int scrapes = 2) =>
        ScrapedExporter.StartAsync(new Dictionary<string, string> { ["metrics"] = Exposition }, _ => new Dictionary<string, string>(), scrapes: scrapes);

    [Fact]
    public async Task One_query_per_definition_gives_every_cluster_its_value_or_a_named_problem()
    {
        await using var scraped = await Scraped();
        if (scraped.Prometheus is not { } prometheus)
        {
            return;
        }

        using var client = new PrometheusClient(new PrometheusOptions { Address = prometheus.Address });
        var queries = new List<SignalFetch>();
        var source = new PrometheusMetricsSource(client, new SignalCatalogue()) { OnQuery = f => { lock (queries) { queries.Add(f); } } };

        var unaggregated = Backlog() with { Name = "rawBacklog", Query = "sink_backlog_messages{namespace=~\"{{namespace}}\",risingwave_name=~\"{{name}}\"}" };
        var kpi = new CustomSignalSpec("ordersPending", "sum(orders_pending)", "orders");
        var broken = new CustomSignalSpec("broken", "sum by (namespace (sink_backlog_messages", "");
        var batches = CustomSignalBatch.For([(A, [Backlog(), unaggregated, kpi, broken]), (B, [Backlog(), kpi]), (C, [Backlog(), unaggregated]), (Missing, [Backlog()])]);
        var now = DateTimeOffset.UtcNow;
        var snapshot = await source.FetchCustomAsync(batches, now, now, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.True(snapshot.Problems.Count == 3, string.Join("\n", snapshot.Problems.Select(p => $"{p.Key}: {p.Value}")) + prometheus.Log);
        Assert.Equal(4, queries.Count); // four definitions, whatever the number of clusters
        Assert.Equal(4, queries.Select(q => q.Signal.Name).Distinct().Count());
        double Value(ClusterRef cluster, string signal) => snapshot.Samples[(cluster, signal)][^1].Value;
        Assert.Equal(150, Value(A, "sinkBacklog"));
        Assert.Equal(7, Value(B, "sinkBacklog")); // rw.b is matched literally: rwxb's 9 is not added in
        Assert.Equal(1000, Value(C, "sinkBacklog"));
        Assert.Equal(42, Value(A, "ordersPending"));
        Assert.Equal(42, Value(B, "ordersPending"));
        Assert.Equal(1000, Value(C, "rawBacklog"));

        Assert.Equal("the query returned no series for prod/absent", snapshot.Problems[(Missing, "sinkBacklog")]);
        Assert.StartsWith("the query returned 2 series for prod/rw-a", snapshot.Problems[(A, "rawBacklog")], StringComparison.Ordinal);
        Assert.Contains("parse error", snapshot.Problems[(A, "broken")], StringComparison.Ordinal);
        Assert.Equal(6, snapshot.Samples.Count);
    }

    [Fact]
    public async Task A_range_fetch_backfills_a_custom_window()
    {
        await using var scraped = await Scraped(4);
        if (scraped.Prometheus is not { } prometheus)
        {
            return;
        }

        using var client = new PrometheusClient(new PrometheusOptions { Address = prometheus.Address });
        var source = new PrometheusMetricsSource(client, new SignalCatalogue());
        var end = DateTimeOffset.UtcNow;
        var snapshot = await source.FetchCustomAsync(CustomSignalBatch.For([(A, [Backlog()])]), end - TimeSpan.FromSeconds(3), end, TimeSpan.FromSeconds(1), CancellationToken.None);

        var samples = snapshot.Samples[(A, "sinkBacklog")];
        Assert.InRange(samples.Length, 3, 4);
        Assert.All(samples, s => Assert.Equal(150, s.Value));
    }
}
