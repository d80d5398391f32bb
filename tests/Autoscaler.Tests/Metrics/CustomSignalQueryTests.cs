using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Metrics;

public sealed class CustomSignalQueryTests
{
    private static readonly ClusterRef A = new("prod", "rw-a");
    private static readonly ClusterRef B = new("prod", "rw.b");
    private static readonly ClusterRef C = new("stage", "rw-a");
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly CustomSignalSpec Templated = new(
        "sinkBacklog", "sum by (namespace, risingwave_name) (sink_backlog{namespace=~\"{{namespace}}\",risingwave_name=~\"{{name}}\"})", "messages");

    private static readonly CustomSignalSpec Global = new("ordersPending", "sum(orders_pending)", "orders");

    [Fact]
    public void Clusters_sharing_a_definition_share_one_query_with_their_names_as_escaped_alternations()
    {
        var other = Templated with { Query = Templated.Query.Replace("sink_backlog", "sink_backlog_v2", StringComparison.Ordinal) };
        var batches = CustomSignalBatch.For([(C, [Templated, Global]), (A, [Templated]), (B, [other])]);

        Assert.Equal(3, batches.Count); // same name, another query: another batch
        var shared = batches.Single(b => b.Signal == Templated);
        Assert.Equal([A, C], shared.Clusters);
        Assert.Equal("sum by (namespace, risingwave_name) (sink_backlog{namespace=~\"prod|stage\",risingwave_name=~\"rw-a\"})", shared.PromQL);

        // '.' is a regex metacharacter: escaped for RE2, and the backslash escaped for the PromQL string.
        Assert.Equal("sum by (namespace, risingwave_name) (sink_backlog_v2{namespace=~\"prod\",risingwave_name=~\"rw\\\\.b\"})", batches.Single(b => b.Signal == other).PromQL);
        Assert.Equal("sum(orders_pending)", batches.Single(b => b.Signal == Global).PromQL);
    }

    // Series is internal: the theory names a case, and the case is looked up here.
    private static readonly Dictionary<string, (CustomSignalSpec Signal, Series[] Series, double? Value, string? Problem)> Cases = new()
    {
        ["one series each"] = (Templated, [Labelled(A, 150), Labelled(C, 1000)], 150, null),
        ["no series for the cluster"] = (Templated, [Labelled(C, 1000)], null, "the query returned no series for prod/rw-a"),
        ["several series for the cluster"] = (Templated, [Labelled(A, 100, ("sink", "s1")), Labelled(A, 50, ("sink", "s2"))], null, "the query returned 2 series for prod/rw-a, one is needed"),
        ["labels dropped by the query"] = (Templated, [Unlabelled(150)], null, "lack the labels namespace and risingwave_name"),
        ["only NaN"] = (Templated, [Labelled(A, double.NaN)], null, "no finite value for prod/rw-a"),
        ["a series of a cluster not asked about"] = (Templated, [Labelled(B, 7), Labelled(A, 3)], 3, null),
        ["a global value is every cluster's"] = (Global, [Unlabelled(42)], 42, null),
        ["a global query may still name clusters"] = (Global, [Labelled(A, 5), Unlabelled(42)], 5, null),
        ["a global query with two unlabelled series"] = (Global, [Unlabelled(1, ("region", "eu")), Unlabelled(2, ("region", "us"))], null, "returned 2 series for prod/rw-a"),
    };

    public static TheoryData<string> Answers => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Answers))]
    public void Each_cluster_gets_its_one_series_or_a_problem_named_after_the_signal(string why)
    {
        var (signal, series, value, problem) = Cases[why];
        var batch = new CustomSignalBatch(signal, [A, C]);
        var snapshot = new CustomSignalSnapshot(Now);
        batch.Assign(new QueryResult(ResultType.Vector, series, [], []), new CatalogueOptions(), snapshot);

        if (value is { } expected)
        {
            Assert.True(snapshot.Samples.TryGetValue((A, signal.Name), out var samples), why);
            Assert.Equal(expected, samples[^1].Value);
            Assert.False(snapshot.Problems.ContainsKey((A, signal.Name)), why);
        }
        else
        {
            Assert.False(snapshot.Samples.ContainsKey((A, signal.Name)), why);
            Assert.Contains(problem!, snapshot.Problems[(A, signal.Name)], StringComparison.Ordinal);
        }
    }

    private static Series Labelled(ClusterRef cluster, double value, params (string, string)[] more) =>
        new(new Dictionary<string, string>(more.Select(l => KeyValuePair.Create(l.Item1, l.Item2))) { ["namespace"] = cluster.Namespace, ["risingwave_name"] = cluster.Name }, [new Sample(Now, value)]);

    private static Series Unlabelled(double value, params (string, string)[] labels) =>
        new(labels.ToDictionary(l => l.Item1, l => l.Item2), [new Sample(Now, value)]);
}
