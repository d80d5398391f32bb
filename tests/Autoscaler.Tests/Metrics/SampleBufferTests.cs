using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Metrics;

public sealed class SampleBufferTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static Sample At(int seconds, double value = 0) => new(T0.AddSeconds(seconds), value == 0 ? seconds : value);

    [Fact]
    public void A_window_handed_out_never_changes_whatever_the_buffer_does_next()
    {
        var buffer = new SampleBuffer();
        buffer.Add([At(0), At(1), At(2)]);
        var window = buffer.Window;
        for (var i = 3; i < 100; i++)
        {
            buffer.Add([At(i)]);
            buffer.TrimBefore(T0.AddSeconds(i - 5));
        }

        buffer.Add([At(96, 42)]);
        Assert.Equal([0.0, 1, 2], window.Samples.ToArray().Select(s => s.Value));
        Assert.Equal(Enumerable.Range(94, 6).Select(i => T0.AddSeconds(i)), buffer.Window.Samples.ToArray().Select(s => s.Time));
    }

    [Fact]
    public void Samples_out_of_order_are_inserted_in_time_order_and_duplicates_ignored()
    {
        var buffer = new SampleBuffer();
        buffer.Add([At(10), At(20)]);
        buffer.Add([At(0), At(5), At(10), At(15), At(25)]);
        Assert.Equal([0.0, 5, 10, 15, 20, 25], buffer.Window.Samples.ToArray().Select(s => s.Value));
    }

    [Fact]
    public void A_deeper_backfill_is_merged_before_the_samples_held_and_leaves_handed_out_windows_alone()
    {
        var buffer = new SampleBuffer();
        buffer.Add([.. Enumerable.Range(10_000, 100).Select(i => At(i, -1))]);
        var window = buffer.Window;

        // Two days at 15 s reach back past what is held and overlap it: one merge, the held samples win.
        buffer.Add([.. Enumerable.Range(0, 10_050).Select(i => At(i, 1))]);
        var samples = buffer.Window.Samples.ToArray();
        Assert.Equal(Enumerable.Range(0, 10_100).Select(i => T0.AddSeconds(i)), samples.Select(s => s.Time));
        Assert.All(samples[..10_000], s => Assert.Equal(1, s.Value));
        Assert.All(samples[10_000..], s => Assert.Equal(-1, s.Value));
        Assert.All(window.Samples.ToArray(), s => Assert.Equal(-1, s.Value));
    }

    [Fact]
    public void The_store_keeps_each_cluster_and_component_apart_and_drops_old_samples()
    {
        var store = new MetricsStore(TimeSpan.FromMinutes(1));
        var a = new ClusterRef("ns", "a");
        var snapshot = new MetricsSnapshot(T0.AddMinutes(5), []);
        snapshot.Add(Signal.ProcessedRate, new SeriesKey(a, null, ""), [At(0), At(290), At(300)]);
        snapshot.Add(Signal.CpuUtilization, new SeriesKey(a, ComponentKind.Compute, ""), [At(300, 0.7)]);
        snapshot.Add(Signal.CpuUtilization, new SeriesKey(a, ComponentKind.Compactor, ""), [At(300, 0.2)]);
        store.Ingest(snapshot);
        var compute = store.SignalsFor(a, ComponentKey.Compute);
        Assert.Equal(2, compute[Signal.ProcessedRate].Count);
        Assert.Equal(0.7, compute[Signal.CpuUtilization].Samples[0].Value);
        Assert.Equal(0.2, store.SignalsFor(a, ComponentKey.Compactor)[Signal.CpuUtilization].Samples[0].Value);
        Assert.True(store.SignalsFor(new ClusterRef("ns", "b"), ComponentKey.Compute)[Signal.ProcessedRate].IsEmpty);
    }
}
