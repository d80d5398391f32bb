using RwAutoscaler.Simulator.Model;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Model;

public class OffsetClockTests
{
    // Producers at 100 messages/s for 10 s, idle for 10 s, then 50 messages/s.
    private static OffsetClock Clock()
    {
        var clock = new OffsetClock();
        clock.Add(0, 0);
        clock.Add(10, 1000);
        clock.Add(20, 1000);
        clock.Add(30, 1500);
        return clock;
    }

    [Theory]
    [InlineData(1500, 30, 0)]      // caught up
    [InlineData(2000, 30, 0)]      // past every watermark seen (a stale watermark): no lag
    [InlineData(0, 30, 30)]        // nothing consumed: the first message is as old as the run
    [InlineData(500, 30, 25)]      // produced at 5 s
    [InlineData(1000, 30, 10)]     // the next message was produced when producing resumed, at 20 s
    [InlineData(1250, 40, 15)]     // produced at 25 s, asked at 40 s
    public void Lag_is_the_age_of_the_oldest_unconsumed_message(double consumed, double now, double expected)
    {
        Assert.Equal(expected, Clock().LagSeconds(consumed, now), 9);
    }

    [Fact]
    public void The_cursor_moves_on_and_old_points_are_dropped_without_changing_answers()
    {
        var clock = new OffsetClock();
        for (var t = 0; t <= 10_000; t++)
        {
            clock.Add(t, t * 10.0);
            var consumed = Math.Max(0, (t - 30) * 10.0);
            Assert.Equal(t < 30 ? t : 30, clock.LagSeconds(consumed, t), 9);
        }
    }

    [Fact]
    public void Points_that_go_back_are_refused()
    {
        var clock = Clock();

        Assert.Throws<ArgumentException>(() => clock.Add(40, 1400));
        Assert.Throws<ArgumentException>(() => clock.Add(29, 1600));
    }
}
