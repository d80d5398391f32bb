using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Metrics;

public sealed class SignalCatalogueTests
{
    [Fact]
    public void Every_signal_has_exactly_one_query_grouped_by_cluster()
    {
        var catalogue = new SignalCatalogue();
        Assert.Equal(Enum.GetValues<Signal>(), catalogue.Queries.Select(q => q.Signal));
        Assert.All(catalogue.Queries, q => Assert.Contains("by (namespace, risingwave_name", q.PromQL, StringComparison.Ordinal));
        Assert.All(catalogue.Queries, q => Assert.False(string.IsNullOrWhiteSpace(q.Why)));
    }

    [Fact]
    public void The_signal_catalogue_doc_shows_every_query_as_the_code_builds_it()
    {
        var doc = File.ReadAllText(Commands.CliRunner.Repo("docs/signals.md"));
        foreach (var query in new SignalCatalogue().Queries)
        {
            Assert.True(doc.Contains($"### `{query.Signal.ToName()}`", StringComparison.Ordinal), $"docs/signals.md has no section for {query.Signal.ToName()}");
            Assert.True(doc.Contains($"```promql\n{query.PromQL}\n```", StringComparison.Ordinal), $"docs/signals.md shows another query for {query.Signal.ToName()}: update it to\n{query.PromQL}");
            Assert.True(doc.Contains(query.Why, StringComparison.Ordinal), $"docs/signals.md does not explain {query.Signal.ToName()} as the code does");
        }
    }

    [Fact]
    public void Label_names_window_and_selector_are_configurable()
    {
        var catalogue = new SignalCatalogue(new CatalogueOptions
        {
            NamespaceLabel = "kubernetes_namespace",
            ClusterLabel = "rw_cluster",
            ComponentLabel = "rw_component",
            GroupLabel = "rw_group",
            RateWindow = TimeSpan.FromSeconds(90),
            Selector = "region=\"eu-1\"",
        });
        var cpu = catalogue.Queries.Single(q => q.Signal == Signal.CpuUtilization).PromQL;
        Assert.Contains("by (kubernetes_namespace, rw_cluster, rw_component, rw_group)", cpu, StringComparison.Ordinal);
        Assert.Contains("process_cpu_seconds_total{rw_component=~\"compute|compactor\",region=\"eu-1\"}[90s]", cpu, StringComparison.Ordinal);
        Assert.DoesNotContain("risingwave_name", string.Concat(catalogue.Queries.Select(q => q.PromQL)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("namespace", "risingwave_name", "risingwave_component", "", "")]
    [InlineData("kube-namespace", "risingwave_name", "risingwave_component", "", "--label-namespace")]
    [InlineData("namespace", "1name", "risingwave_component", "", "--label-cluster")]
    [InlineData("namespace", "risingwave_name", "risingwave_component", "{a=\"b\"}", "--selector")]
    public void Options_are_checked_and_problems_name_the_option(string ns, string cluster, string component, string selector, string problem)
    {
        var options = new CatalogueOptions { NamespaceLabel = ns, ClusterLabel = cluster, ComponentLabel = component, Selector = selector };
        var problems = options.Validate();
        if (problem.Length == 0)
        {
            Assert.Empty(problems);
        }
        else
        {
            Assert.StartsWith(problem, Assert.Single(problems), StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => new SignalCatalogue(options));
        }
    }

    [Fact]
    public void Restricting_to_clusters_escapes_their_names_into_two_matchers()
    {
        var queries = new SignalCatalogue().For([new ClusterRef("team.a", "rw-1"), new ClusterRef("team.a", "rw-2"), new ClusterRef("b", "rw-1")]);
        var processed = queries.Single(q => q.Signal == Signal.ProcessedRate).PromQL;
        Assert.Contains("source_partition_input_count{namespace=~\"b|team\\\\.a\",risingwave_name=~\"rw-1|rw-2\"}", processed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(120, "2m")]
    [InlineData(90, "90s")]
    [InlineData(3600, "1h")]
    [InlineData(0.5, "500ms")]
    public void Durations_are_written_as_promql_durations(double seconds, string text) =>
        Assert.Equal(text, SignalCatalogue.FormatDuration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void A_series_maps_to_its_cluster_component_and_group()
    {
        var catalogue = new SignalCatalogue(new CatalogueOptions { GroupLabel = "risingwave_group" });
        var cpu = catalogue.Queries.Single(q => q.Signal == Signal.CpuUtilization);
        var series = new Series(
            new Dictionary<string, string> { ["namespace"] = "a", ["risingwave_name"] = "rw", ["risingwave_component"] = "compute", ["risingwave_group"] = "spot" },
            [new Sample(DateTimeOffset.UnixEpoch, 1)]);
        Assert.True(catalogue.TryKey(cpu, series, out var key));
        Assert.Equal(new SeriesKey(new ClusterRef("a", "rw"), ComponentKind.Compute, "spot"), key);
    }
}
