using System.Text.Json;
using RwAutoscaler.Simulator.Frontier;
using RwAutoscaler.Simulator.Reporting;
using RwAutoscaler.Simulator.Running;
using RwAutoscaler.Simulator.Workloads;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Reporting;

public class ReportTests
{
    private static readonly Lazy<ScenarioOutcome> Outcome = new(() =>
    {
        var scenario = TestFiles.Synthetic(new StepWorkload { Duration = TimeSpan.FromHours(1), Levels = [200_000, 700_000], Hold = TimeSpan.FromMinutes(20) })
            with { Description = "a <small> step" };
        var policy = TestFiles.Write("ours.yaml", "compute:\n  maxReplicas: 32\n  policies:\n    - type: throughput\n      metricsWindow: 2m\n");
        var plan = SimulationPlan.Create(scenario, policy: policy, compare: ["hpa", "static"]);
        return ScenarioOutcome.Of(plan, timelines: true);
    });

    [Fact]
    public void The_html_report_is_self_contained_with_one_lane_per_policy()
    {
        var html = HtmlReport.Render(Outcome.Value);

        Assert.StartsWith("<!doctype html>", html, StringComparison.Ordinal);
        Assert.Equal((3 * 3) + 1, CountOf(html, "<svg "));      // three charts per policy, and cost against violation
        Assert.Contains("clairvoyant frontier", html, StringComparison.Ordinal);
        Assert.Equal(3, CountOf(html, "<h3>"));                  // one lane per policy
        foreach (var forbidden in new[] { "http://", "https://", "<script", "<link", "src=", "url(" })
        {
            Assert.DoesNotContain(forbidden, html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("a &lt;small&gt; step", html, StringComparison.Ordinal);
        Assert.Contains("load vs capacity", html, StringComparison.Ordinal);
        Assert.Contains("lag and latency", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_report_carries_every_score_of_every_policy()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            JsonReport.Write(writer, [Outcome.Value]);
        }

        using var json = JsonDocument.Parse(stream.ToArray());
        var scenario = json.RootElement.GetProperty("scenarios")[0];
        Assert.True(scenario.GetProperty("lowerBound").GetProperty("coreHours").GetDouble() > 0);
        var policies = scenario.GetProperty("policies").EnumerateArray().ToList();
        Assert.Equal(["ours", "hpa", "static"], policies.Select(p => p.GetProperty("policy").GetString()));
        foreach (var field in new[] { "violationSeconds", "violationFraction", "p99BarrierLatencySeconds", "maxLagMessages", "maxLagSeconds",
            "computeReplicaHours", "compactorReplicaHours", "coreHours", "costRatio", "computeRescales", "compactorRescales", "loadSteps",
            "costOverFrontier", "computeRescalesPerHour", "compactorRescalesPerHour" })
        {
            Assert.All(policies, p => Assert.Equal(JsonValueKind.Number, p.GetProperty(field).ValueKind));
        }

        Assert.All(policies, p => Assert.True(p.TryGetProperty("convergenceMeanSeconds", out _)));

        // Every rescale, in order, consistent with the counts: which component, from and to, and the engine's reason.
        foreach (var policy in policies)
        {
            var rescales = policy.GetProperty("rescales").EnumerateArray().ToList();
            var count = (int)(policy.GetProperty("computeRescales").GetDouble() + policy.GetProperty("compactorRescales").GetDouble());
            Assert.Equal(count, rescales.Count);
            Assert.Equal(rescales.Select(r => r.GetProperty("time").GetDateTimeOffset()).Order(), rescales.Select(r => r.GetProperty("time").GetDateTimeOffset()));
            Assert.All(rescales, r => Assert.NotEqual(r.GetProperty("from").GetInt32(), r.GetProperty("to").GetInt32()));
            Assert.All(rescales, r => Assert.Contains(r.GetProperty("component").GetString(), new[] { "compute", "compactor" }));
            Assert.All(rescales, r => Assert.StartsWith($"{r.GetProperty("component").GetString()} {r.GetProperty("from").GetInt32()} -> {r.GetProperty("to").GetInt32()}: ", r.GetProperty("reason").GetString(), StringComparison.Ordinal));
        }

        Assert.NotEmpty(policies[0].GetProperty("rescales").EnumerateArray()); // ours follows the step up
        var points = scenario.GetProperty("frontier").GetProperty("points").EnumerateArray().ToList();
        Assert.NotEmpty(points);
        Assert.All(points, p => Assert.True(p.GetProperty("coreHours").GetDouble() > 0));
        // Sorted by violation, cheaper as violation grows.
        for (var i = 1; i < points.Count; i++)
        {
            Assert.True(points[i].GetProperty("violationSeconds").GetDouble() > points[i - 1].GetProperty("violationSeconds").GetDouble());
            Assert.True(points[i].GetProperty("coreHours").GetDouble() < points[i - 1].GetProperty("coreHours").GetDouble());
        }
    }

    [Fact]
    public void The_results_table_replaces_only_what_is_between_its_markers()
    {
        var document = $"# Results\n\nintro\n\n{ResultsTable.Begin}\nold table\n{ResultsTable.End}\n\nafter\n";

        var updated = ResultsTable.Update(document, [Outcome.Value], "autoscaler simulate ...");

        Assert.StartsWith("# Results\n\nintro\n\n" + ResultsTable.Begin, updated, StringComparison.Ordinal);
        Assert.EndsWith(ResultsTable.End + "\n\nafter\n", updated, StringComparison.Ordinal);
        Assert.DoesNotContain("old table", updated, StringComparison.Ordinal);
        Assert.Contains("| test-step | **", updated, StringComparison.Ordinal);
        Assert.Contains("| point | scenarios | median cost / F |", updated, StringComparison.Ordinal);
        Assert.Contains("autoscaler simulate ...", updated, StringComparison.Ordinal);
    }

    [Fact]
    public void Where_the_frontier_within_a_compactor_limit_was_searched_the_table_and_the_json_say_what_it_reaches()
    {
        var hpa = Outcome.Value.Runs.Single(r => r.Policy == "hpa").Scores;
        // Within the limit: one schedule with less violation than HPA at 90% of its cost, one that costs more, one that violates more.
        Assert.True(hpa.ViolationSeconds > 0, "HPA never violates here: nothing to undercut");
        var within = new RwAutoscaler.Simulator.Frontier.Frontier(
            [
                new FrontierPoint(64, hpa.ViolationSeconds / 4, hpa.CoreHours * 1.2, 2, 0),
                new FrontierPoint(8, hpa.ViolationSeconds / 2, hpa.CoreHours * 0.9, 2, 1),
                new FrontierPoint(1, hpa.ViolationSeconds * 2, hpa.CoreHours * 0.5, 1, 1),
            ],
            TimeSpan.Zero);
        var outcome = Outcome.Value with { Frontier = Outcome.Value.Frontier with { WithinCompactorLimit = new LimitedFrontier(1, within) } };

        static string Table(ScenarioOutcome o) => ResultsTable.Update($"{ResultsTable.Begin}\n{ResultsTable.End}\n", [o], "-");

        var table = Table(outcome);
        Assert.Contains("held to a compactor rescale limit of 1 per hour", table, StringComparison.Ordinal);
        // At HPA's violation the chord from (1/2, 0.9) to (2, 0.5) is at 0.9 - (0.4 / 3) of HPA's cost: 23.3% of room;
        // the schedule found with half HPA's violation is ✓ by 10%.
        Assert.Contains("| hpa | 1 of 1 | 23.3% (test-step) | 1 of 1 | 10.0% (test-step) |", table, StringComparison.Ordinal);
        Assert.DoesNotContain("| flink |", table, StringComparison.Ordinal);     // not compared here
        var dearer = new RwAutoscaler.Simulator.Frontier.Frontier([new FrontierPoint(64, hpa.ViolationSeconds / 4, hpa.CoreHours * 1.2, 2, 0)], TimeSpan.Zero);
        var none = Outcome.Value with { Frontier = Outcome.Value.Frontier with { WithinCompactorLimit = new LimitedFrontier(1, dearer) } };
        Assert.Contains("| hpa | 0 of 1 | -20.0% (test-step) | 0 of 1 (not test-step) | - |", Table(none), StringComparison.Ordinal);
        Assert.DoesNotContain("compactor rescale limit", Table(Outcome.Value), StringComparison.Ordinal);

        Assert.Contains("within 1 compactor rescales/h", HtmlReport.Render(outcome), StringComparison.Ordinal);
        Assert.DoesNotContain("compactor rescales/h", HtmlReport.Render(Outcome.Value), StringComparison.Ordinal);

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            JsonReport.Write(writer, [outcome]);
        }

        using var json = JsonDocument.Parse(stream.ToArray());
        var scenario = json.RootElement.GetProperty("scenarios")[0];
        var limited = scenario.GetProperty("frontier").GetProperty("withinCompactorLimit");
        Assert.Equal(1, limited.GetProperty("compactorRescalesPerHour").GetDouble());
        Assert.Equal(3, limited.GetProperty("points").GetArrayLength());
        var hpaJson = scenario.GetProperty("policies")[1];
        Assert.Equal(within.Ratio(hpa.CoreHours, hpa.ViolationSeconds)!.Value, hpaJson.GetProperty("costOverFrontierWithinCompactorLimit").GetDouble(), 9);
    }

    [Theory]
    [InlineData(10, 100, 20, 100, "✓")]
    [InlineData(10, 100, 20, 90, "▲")]
    [InlineData(0, 80, 0, 100, "=")]
    [InlineData(0, 120, 0, 100, "✗")]
    [InlineData(30, 50, 20, 100, "▼")]
    [InlineData(30, 150, 20, 100, "✗")]
    public void The_mark_says_which_of_violation_and_cost_ours_did_better_on(double ours, double ourCost, double theirs, double theirCost, string mark)
    {
        Assert.Equal(mark, ResultsTable.Mark(Scores(ours, ourCost), Scores(theirs, theirCost)));
    }

    private static RwAutoscaler.Simulator.Scoring.Scores Scores(double violation, double coreHours) => new()
    {
        Policy = "p", ViolationSeconds = violation, ViolationFraction = 0, P99BarrierLatencySeconds = 0, MaxLagMessages = 0, MaxLagSeconds = 0,
        ComputeReplicaHours = 0, CompactorReplicaHours = 0, CoreHours = coreHours, CostRatio = 1, ComputeRescales = 0, CompactorRescales = 0, LoadSteps = 0,
    };

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
