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
