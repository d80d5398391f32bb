using RwAutoscaler.Simulator.Workloads;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Workloads;

public class TraceShapingTests
{
    private static readonly Trace Minutes = new("m", TimeSpan.FromMinutes(1), [10, 20, 30, 40]);

    [Fact]
    public void Compressing_keeps_the_rates_and_shortens_the_step() =>
        Assert.Equal(TimeSpan.FromSeconds(6), TraceShaping.Compress(Minutes, 10).Step);

    [Fact]
    public void Resampling_finer_interpolates_between_bucket_centres()
    {
        var fine = TraceShaping.Resample(Minutes, TimeSpan.FromSeconds(30));

        Assert.Equal(8, fine.Values.Length);
        // Bucket centres at 30, 90, 150, 210 s; beyond the first and last centre the edge value holds.
        Assert.Equal([10, 12.5, 17.5, 22.5, 27.5, 32.5, 37.5, 40], fine.Values.Select(v => Math.Round(v, 6)));
    }

    [Fact]
    public void Resampling_coarser_averages_so_bursts_keep_their_volume()
    {
        var seconds = new Trace("s", TimeSpan.FromSeconds(1), [0, 0, 90, 0, 0, 30]);

        var coarse = TraceShaping.Resample(seconds, TimeSpan.FromSeconds(3));

        Assert.Equal([30.0, 10.0], coarse.Values);
        Assert.Equal(seconds.Values.Sum(), coarse.Values.Sum() * 3, 9);
    }

    [Fact]
    public void Slicing_takes_trace_time()
    {
        var slice = TraceShaping.Slice(Minutes, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2));

        Assert.Equal([20.0, 30.0], slice.Values);
    }

    [Fact]
    public void Rescaling_to_a_peak_keeps_the_shape()
    {
        var scaled = TraceShaping.ToPeak(Minutes, 1000);

        Assert.Equal([250.0, 500.0, 750.0, 1000.0], scaled.Values);
    }
}
