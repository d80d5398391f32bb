using RwAutoscaler.Hosting.Metrics;
using Xunit;

namespace RwAutoscaler.Hosting.Tests.Metrics;

/// <summary>The text exposition format 0.0.4 (prometheus/docs content/docs/instrumenting/exposition_formats.md).</summary>
public sealed class MetricRegistryTests
{
    [Fact]
    public void Writes_help_type_and_labelled_samples()
    {
        var registry = new MetricRegistry();
        var decisions = registry.Counter("rwautoscaler_decisions_total", "Decisions made.", "cluster", "component");
        decisions.Inc(1, "ns/a", "compute");
        decisions.Inc(2, "ns/a", "compute");
        decisions.Inc(1, "ns/b", "compactor");
        registry.Gauge("rwautoscaler_queue_depth", "Clusters waiting.").Set(3);

        Assert.Equal("""
            # HELP rwautoscaler_decisions_total Decisions made.
            # TYPE rwautoscaler_decisions_total counter
            rwautoscaler_decisions_total{cluster="ns/a",component="compute"} 3
            rwautoscaler_decisions_total{cluster="ns/b",component="compactor"} 1
            # HELP rwautoscaler_queue_depth Clusters waiting.
            # TYPE rwautoscaler_queue_depth gauge
            rwautoscaler_queue_depth 3

            """.ReplaceLineEndings("\n"), registry.Render());
    }

    [Fact]
    public void Histograms_are_cumulative_with_sum_count_and_inf()
    {
        var registry = new MetricRegistry();
        var latency = registry.Histogram("rwautoscaler_evaluation_seconds", "Time to evaluate.", [0.01, 0.1]);
        latency.Observe(0.005);
        latency.Observe(0.05);
        latency.Observe(3);

        Assert.Equal("""
            # HELP rwautoscaler_evaluation_seconds Time to evaluate.
            # TYPE rwautoscaler_evaluation_seconds histogram
            rwautoscaler_evaluation_seconds_bucket{le="0.01"} 1
            rwautoscaler_evaluation_seconds_bucket{le="0.1"} 2
            rwautoscaler_evaluation_seconds_bucket{le="+Inf"} 3
            rwautoscaler_evaluation_seconds_sum 3.055
            rwautoscaler_evaluation_seconds_count 3

            """.ReplaceLineEndings("\n"), registry.Render());
    }

    [Fact]
    public void Label_values_and_help_are_escaped()
    {
        var registry = new MetricRegistry();
        registry.Gauge("g", "line one\nback\\slash", "reason").Set(1, "say \"hi\"\n\\");

        var text = registry.Render();

        Assert.Contains("# HELP g line one\\nback\\\\slash\n", text, StringComparison.Ordinal);
        Assert.Contains("g{reason=\"say \\\"hi\\\"\\n\\\\\"} 1\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1bad")]
    [InlineData("has-dash")]
    [InlineData("")]
    public void Invalid_names_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new MetricRegistry().Gauge(name, "x"));

    [Fact]
    public void Counters_must_end_in_total_and_only_go_up()
    {
        var registry = new MetricRegistry();
        Assert.Throws<ArgumentException>(() => registry.Counter("rwautoscaler_errors", "x"));
        var counter = registry.Counter("rwautoscaler_errors_total", "x");
        Assert.Throws<ArgumentOutOfRangeException>(() => counter.Inc(-1));
    }

    [Fact]
    public void Label_values_must_match_the_label_names()
    {
        var gauge = new MetricRegistry().Gauge("g", "x", "a", "b");
        Assert.Throws<ArgumentException>(() => gauge.Set(1, "only-one"));
    }

    [Fact]
    public void Registering_a_name_twice_returns_the_same_metric_or_refuses_another_type()
    {
        var registry = new MetricRegistry();
        var first = registry.Gauge("g", "x");
        Assert.Same(first, registry.Gauge("g", "x"));
        Assert.Throws<InvalidOperationException>(() => registry.Histogram("g", "x", [1]));
    }

    [Fact]
    public void Special_values_are_written_as_prometheus_spells_them()
    {
        var registry = new MetricRegistry();
        var gauge = registry.Gauge("g", "x", "k");
        gauge.Set(double.NaN, "nan");
        gauge.Set(double.PositiveInfinity, "inf");

        var text = registry.Render();

        Assert.Contains("g{k=\"nan\"} NaN\n", text, StringComparison.Ordinal);
        Assert.Contains("g{k=\"inf\"} +Inf\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_increments_are_not_lost()
    {
        var counter = new MetricRegistry().Counter("c_total", "x", "k");
        Parallel.For(0, 100_000, _ => counter.Inc(1, "a"));

        Assert.Equal(100_000, counter.Value("a"));
    }
}
