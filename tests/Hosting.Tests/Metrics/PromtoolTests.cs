using RwAutoscaler.Hosting.Metrics;
using RwAutoscaler.TestKit;
using Xunit;

namespace RwAutoscaler.Hosting.Tests.Metrics;

/// <summary>The exposition checked by the real counterpart: <c>promtool check metrics</c> (Debian package prometheus).</summary>
public sealed class PromtoolTests
{
    [Fact]
    public async Task Promtool_accepts_every_kind_of_metric_with_awkward_labels()
    {
        if (ExternalTool.Require("promtool", "install the Debian package prometheus") is not { } promtool)
        {
            return;
        }

        var registry = new MetricRegistry();
        registry.Counter("rwautoscaler_decisions_total", "Decisions made, by cluster and direction.", "cluster", "direction").Inc(3, "ns/rw \"prod\"", "up");
        registry.Gauge("rwautoscaler_desired_replicas", "Replicas the engine wants.", "cluster", "component").Set(8, "ns/rw", "compute");
        var histogram = registry.Histogram("rwautoscaler_evaluation_duration_seconds", "Time to evaluate a cluster.", [0.001, 0.01, 0.1, 1], "cluster");
        histogram.Observe(0.004, "a\\b\nc");
        histogram.Observe(2, "a\\b\nc");

        var result = await ExternalTool.RunAsync(promtool, ["check", "metrics"], stdin: registry.Render());

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
    }
}
