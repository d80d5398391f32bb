using RwAutoscaler.Simulator.Frontier;
using RwAutoscaler.Simulator.Reporting;
using RwAutoscaler.Simulator.Running;
using RwAutoscaler.Simulator.Scoring;
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

    [Fact]
    public void The_frontier_within_a_compactor_limit_keeps_only_schedules_within_it_and_leaves_the_frontier_as_it_was()
    {
        var scenario = TestFiles.Synthetic(new StepWorkload { Duration = TimeSpan.FromHours(1), Levels = [200_000, 900_000, 300_000], Hold = TimeSpan.FromMinutes(10) });
        var workload = scenario.Workload.Build(scenario.Step, scenario.ResolvePath);
        var bound = LowerBound.Of(scenario, workload);
        var free = FrontierSolver.Solve(scenario, workload, bound);
        Assert.Null(free.WithinCompactorLimit);
        Assert.True(free.Points.Max(p => p.CompactorRescales) > 1, "the free frontier never passes the limits: the test shows nothing");

        foreach (var perHour in new[] { 0.0, 1.0 })
        {
            var limited = FrontierSolver.Solve(scenario, workload, bound, new FrontierOptions { CompactorRescaleLimit = perHour });

            Assert.Equal(free.Points, limited.Points);
            var within = limited.WithinCompactorLimit;
            Assert.NotNull(within);
            Assert.Equal(perHour, within.CompactorRescalesPerHour);
            Assert.Contains(within.Frontier.Points, p => double.IsFinite(p.Price));
            Assert.All(within.Frontier.Points, p => Assert.True(p.CompactorRescales <= perHour, $"{p.CompactorRescales} compactor rescales at price {p.Price}"));
            // What the free search found within the limit is on the limited curve or under it: that search is one of its prices.
            Assert.All(free.Points.Where(p => p.CompactorRescales <= perHour), p => Assert.True(within.Frontier.CostAt(p.ViolationSeconds) <= p.CoreHours + 1e-9, $"{p} above the limited curve"));
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(14)]
    [InlineData(50)]
    public void A_log_ladder_of_prices_starts_at_0_and_spreads_the_rest_evenly_from_4_to_4096(int count)
    {
        var ladder = FrontierOptions.LogLadder(count);

        Assert.Equal(count, ladder.Count);
        Assert.Equal(0, ladder[0]);
        Assert.Equal(4, ladder[1], 9);
        Assert.Equal(4096, ladder[^1], 9);
        var ratio = Math.Pow(1024, 1.0 / (count - 2));
        for (var i = 2; i < count; i++)
        {
            Assert.Equal(ratio, ladder[i] / ladder[i - 1], 9);
        }
    }

    [Fact]
    public void A_log_ladder_needs_0_and_two_prices_at_least()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FrontierOptions.LogLadder(2));
    }
}
