using RwAutoscaler.Kube.Json;
using k8s.Models;
using RwAutoscaler.Kube.Events;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit;

namespace RwAutoscaler.Kube.Tests.Events;

/// <summary>client-go tools/events semantics: create, then a series for repeats, written on a heartbeat.</summary>
public sealed class EventRecorderTests : FakeServerTest
{
    private readonly ManualTimeProvider clock = new();

    private static readonly V1ObjectReference Rw = new() { ApiVersion = "risingwave.risingwavelabs.com/v1alpha1", Kind = "RisingWave", NamespaceProperty = "default", Name = "rw", Uid = "u1" };

    private EventRecorder NewRecorder(int capacity = 1000) => new(Client, new EventRecorderOptions
    {
        ReportingController = "rwautoscaler.dev/autoscaler", ReportingInstance = "autoscaler-0", TimeProvider = clock, QueueCapacity = capacity,
    });

    private async Task<IReadOnlyList<Eventsv1Event>> EventsAsync(Func<IReadOnlyList<Eventsv1Event>, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var list = (await Client.Builtin<Eventsv1Event>().ListAsync("default")).Items;
            if (until(list))
            {
                return list;
            }
            Assert.True(DateTime.UtcNow < deadline, "events did not arrive");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task repeats_join_a_series_that_is_counted_on_the_heartbeat()
    {
        var recorder = NewRecorder();
        using var stop = new CancellationTokenSource();
        var run = recorder.RunAsync(stop.Token);

        recorder.Record(Rw, "Normal", "ScaledOut", "Scale", "compute 2 -> 3");
        var first = Assert.Single(await EventsAsync(l => l.Count == 1));
        Assert.Null(first.Series);
        Assert.Equal(("rwautoscaler.dev/autoscaler", "autoscaler-0", "Scale", "ScaledOut", "Normal"), (first.ReportingController, first.ReportingInstance, first.Action, first.Reason, first.Type));
        Assert.Equal(MicroTime.Format(clock.GetUtcNow()), MicroTime.Format(first.EventTime!.Value));
        Assert.StartsWith("rw.", first.Metadata.Name, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromMinutes(1));
        recorder.Record(Rw, "Normal", "ScaledOut", "Scale", "compute 2 -> 3");
        await EventsAsync(l => l.Single().Series?.Count == 2);
        clock.Advance(TimeSpan.FromMinutes(1));
        recorder.Record(Rw, "Normal", "ScaledOut", "Scale", "compute 2 -> 3");
        recorder.Record(Rw, "Warning", "ScaleFailed", "Scale", "conflict");
        var two = await EventsAsync(l => l.Count == 2);
        Assert.Equal(2, two.Single(e => e.Reason == "ScaledOut").Series!.Count);

        clock.Advance(TimeSpan.FromMinutes(30));
        var counted = await EventsAsync(l => l.Single(e => e.Reason == "ScaledOut").Series?.Count == 3);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 2, 0, TimeSpan.Zero), counted.Single(e => e.Reason == "ScaledOut").Series!.LastObservedTime);

        // After the series window has passed, the same event starts afresh.
        recorder.Record(Rw, "Normal", "ScaledOut", "Scale", "compute 2 -> 3");
        await EventsAsync(l => l.Count(e => e.Reason == "ScaledOut") == 2);
        await stop.CancelAsync();
        await run;
    }

    // "The recorder drops events when its queue is full. Events are best-effort."
    [Fact]
    public void a_full_queue_drops_events_instead_of_blocking()
    {
        var recorder = NewRecorder(capacity: 2);
        for (var i = 0; i < 5; i++)
        {
            recorder.Record(Rw, "Normal", "Tick", "Observe", $"{i}");
        }
        Assert.Equal(3, recorder.Dropped);
    }

    [Fact]
    public void an_invalid_type_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => NewRecorder().Record(Rw, "Info", "X", "Y", null));
        Assert.Contains("Normal or Warning", e.Message, StringComparison.Ordinal);
    }
}
