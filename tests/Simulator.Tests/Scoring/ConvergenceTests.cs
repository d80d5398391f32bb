using RwAutoscaler.Simulator.Scoring;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Scoring;

public class ConvergenceTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);

    [Fact]
    public void A_sudden_change_is_a_load_step_and_a_slow_one_is_not()
    {
        double[] square = [.. Enumerable.Repeat(100.0, 30), .. Enumerable.Repeat(300.0, 30), .. Enumerable.Repeat(100.0, 30)];
        var ramp = Enumerable.Range(0, 90).Select(i => 100.0 + i).ToArray();

        Assert.Equal([30, 60], Convergence.FindSteps(square, Step));
        Assert.Empty(Convergence.FindSteps(ramp, Step));
    }

    [Fact]
    public void Convergence_is_the_start_of_ten_still_and_healthy_minutes()
    {
        var replicas = new int[60];
        var violated = new bool[60];
        for (var i = 0; i < 60; i++)
        {
            replicas[i] = i < 5 ? 2 : i < 8 ? 3 : 4; // changes at 5 and 8
            violated[i] = i is >= 5 and < 12;
        }

        var result = Convergence.Measure([4], replicas, violated, Step);

        Assert.Equal(TimeSpan.FromMinutes(8).TotalSeconds, Assert.Single(result));
    }

    [Fact]
    public void A_run_that_never_settles_before_the_next_step_has_no_time()
    {
        var replicas = Enumerable.Range(0, 30).Select(i => i % 2).ToArray();

        var result = Convergence.Measure([0, 20], replicas, new bool[30], Step);

        Assert.Equal([null, null], result);
    }
}
