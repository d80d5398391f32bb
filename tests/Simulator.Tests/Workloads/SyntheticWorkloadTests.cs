using RwAutoscaler.Simulator.Workloads;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Workloads;

public class SyntheticWorkloadTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(15);

    [Fact]
    public void Step_holds_each_level_then_moves_on()
    {
        var trace = new StepWorkload { Duration = TimeSpan.FromMinutes(4), Levels = [100, 300], Hold = TimeSpan.FromMinutes(1) }.Generate(Step);

        Assert.Equal(16, trace.Values.Length);
        Assert.Equal([100, 100, 100, 100, 300, 300, 300, 300, 100], trace.Values.Take(9));
    }

    [Fact]
    public void Ramp_runs_from_start_to_end() 
    {
        var trace = new RampWorkload { Duration = TimeSpan.FromHours(1), From = 1000, To = 5000 }.Generate(Step);

        Assert.Equal(1000, trace.Values[0]);
        Assert.Equal(5000, trace.Values[^1]);
        Assert.True(trace.Values.Zip(trace.Values.Skip(1)).All(p => p.Second >= p.First));
    }

    [Fact]
    public void Sine_swings_around_its_mean_with_its_period()
    {
        var trace = new SineWorkload { Duration = TimeSpan.FromHours(2), Mean = 600, Amplitude = 400, Period = TimeSpan.FromHours(1) }.Generate(Step);

        Assert.Equal(200, trace.Values[0], 6);
        Assert.Equal(1000, trace.Values[120], 6); // half a period in
        Assert.Equal(600, trace.Values.Average(), 6);
    }

    [Fact]
    public void Spikes_reach_their_height_and_return_to_the_base()
    {
        var trace = new SpikesWorkload { Duration = TimeSpan.FromHours(6), Base = 100, Height = 900, Every = TimeSpan.FromMinutes(30), Length = TimeSpan.FromMinutes(5) }.Generate(Step);

        Assert.Contains(900, trace.Values);
        Assert.True(trace.Values.Count(v => v == 100) > trace.Values.Count(v => v == 900));
        Assert.All(trace.Values, v => Assert.True(v is 100 or 900));
    }

    [Fact]
    public void Random_walk_stays_within_its_bounds_and_repeats_for_a_seed()
    {
        var walk = new RandomWalkWorkload { Duration = TimeSpan.FromHours(8), Start = 500, Change = 100, Min = 200, Max = 800, Seed = 9 };

        var first = walk.Generate(Step);
        var again = walk.Generate(Step);
        var other = (walk with { Seed = 10 }).Generate(Step);

        Assert.All(first.Values, v => Assert.InRange(v, 200, 800));
        Assert.Equal(first.Values, again.Values);
        Assert.NotEqual(first.Values, other.Values);
        // Moves once a minute: four steps of 15 s share a value.
        Assert.Equal(first.Values[4], first.Values[7]);
    }

    [Fact]
    public void Noise_is_bounded_and_never_makes_a_rate_negative()
    {
        var trace = new SineWorkload { Duration = TimeSpan.FromHours(1), Mean = 50, Amplitude = 50, Noise = 40 }.Generate(Step);

        Assert.All(trace.Values, v => Assert.True(v >= 0));
        Assert.All(trace.Values, v => Assert.True(v <= 140));
    }
}
