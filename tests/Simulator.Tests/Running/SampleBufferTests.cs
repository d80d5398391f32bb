using RwAutoscaler.Policies.Model;
using RwAutoscaler.Simulator.Running;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Running;

public class SampleBufferTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    private static Sample At(int i) => new(Start.AddSeconds(15 * i), i);

    [Fact]
    public void A_plain_buffer_keeps_the_newest_window_in_order()
    {
        var buffer = new SampleBuffer(10);
        for (var i = 0; i < 1000; i++)
        {
            buffer.Append(At(i));
        }

        Assert.Equal(Enumerable.Range(990, 10).Select(i => (double)i), buffer.Window.Samples.ToArray().Select(s => s.Value));
    }

    [Fact]
    public void Older_history_is_kept_as_averages_of_several_steps()
    {
        var buffer = new SampleBuffer(fine: 8, every: 4, coarse: 5);
        for (var i = 0; i < 1000; i++)
        {
            buffer.Append(At(i));
        }

        var samples = buffer.Window.Samples.ToArray();
        var fine = samples.Where(s => s.Value == Math.Floor(s.Value)).TakeLast(8).ToArray();
        Assert.Equal(Enumerable.Range(992, 8).Select(i => (double)i), fine.Select(s => s.Value));
        // Five one-minute averages before them, each stamped at the end of its minute: (i-3 .. i) averages to i - 1.5.
        var coarse = samples[..5];
        Assert.All(coarse, s => Assert.Equal(s.Time, Start.AddSeconds(15 * (s.Value + 1.5))));
        Assert.Equal(4, (coarse[1].Time - coarse[0].Time).TotalSeconds / 15);
        Assert.True(samples.Zip(samples.Skip(1)).All(p => p.First.Time < p.Second.Time));
        Assert.InRange(samples.Length, 13, 16);
    }
}
