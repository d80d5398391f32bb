using RwAutoscaler.Simulator.Frontier;
using RwAutoscaler.Simulator.Reporting;
using RwAutoscaler.Simulator.Running;
using RwAutoscaler.Simulator.Workloads;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Frontier;

public class FrontierTests
{
    private static readonly RwAutoscaler.Simulator.Frontier.Frontier Line = new(
        RwAutoscaler.Simulator.Frontier.Frontier.Pareto(
        [
            new FrontierPoint(1, 0, 100, 0, 0),
            new FrontierPoint(2, 60, 80, 2, 0),
            new FrontierPoint(3, 60, 90, 2, 0),    // dominated: as much violation, more cost
            new FrontierPoint(4, 120, 85, 3, 0),   // dominated: more violation, more cost
            new FrontierPoint(5, 600, 20, 1, 0),
        ]),
        TimeSpan.Zero);

    [Theory]
    [InlineData(0, 100.0)]
    [InlineData(30, 90.0)]      // on the chord between (0, 100) and (60, 80)
    [InlineData(60, 80.0)]
    [InlineData(330, 50.0)]
    [InlineData(600, 20.0)]
    [InlineData(5000, 20.0)]    // more violation than the cheapest point: its cost
    public void The_cost_at_a_violation_is_read_on_the_pareto_frontier(double violation, double cost)
    {
        Assert.Equal(3, Line.Points.Count);
        Assert.Equal(cost, Line.CostAt(violation)!.Value, 9);
    }

    [Fact]
    public void Less_violation_than_any_point_has_no_frontier_cost()
    {
        var line = new RwAutoscaler.Simulator.Frontier.Frontier([new FrontierPoint(1, 30, 10, 0, 0)], TimeSpan.Zero);

        Assert.Null(line.CostAt(10));
        Assert.Null(line.Ratio(50, 10));
        Assert.Equal(5, line.Ratio(50, 30));
    }

    [Fact]
    public void Every_policy_pays_at_least_the_frontier_at_its_own_violation_and_the_frontier_without_violation_at_least_the_floor()
    {
        var scenario = TestFiles.Synthetic(new StepWorkload { Duration = TimeSpan.FromHours(2), Levels = [200_000, 700_000], Hold = TimeSpan.FromMinutes(30) });
        var policy = TestFiles.Write("ours.yaml", "compute:\n  maxReplicas: 32\n  policies:\n    - type: throughput\n      metricsWindow: 2m\n");
        var outcome = ScenarioOutcome.Of(SimulationPlan.Create(scenario, policy: policy, compare: ["hpa", "keda", "flink", "static"]), timelines: false);

        var frontier = outcome.Frontier;
        Assert.True(frontier.Points.Count >= 3, $"{frontier.Points.Count} points");
        Assert.Equal(0, frontier.Points[0].ViolationSeconds);
        // Without violation no schedule that pays for rescales is cheaper than the floor, which rescales for free.
        Assert.True(frontier.Points[0].CoreHours >= outcome.Plan.Bound.CoreHours, $"{frontier.Points[0].CoreHours} under the floor's {outcome.Plan.Bound.CoreHours}");
        foreach (var run in outcome.Runs)
        {
            var ratio = outcome.FrontierRatio(run);
            Assert.NotNull(ratio);
            Assert.True(ratio >= 0.999, $"{run.Policy} at {ratio:0.###}x the frontier");
        }
    }
}
