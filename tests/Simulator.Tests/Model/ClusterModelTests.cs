using RwAutoscaler.Simulator.Model;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Model;

public class ClusterModelTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(15);
    private static readonly ModelParameters Defaults = new();
    private static readonly ModelParameters NoRescaleCosts = new()
    {
        Rescale = new RescaleParameters
        {
            PodStartDelay = TimeSpan.Zero, RescheduleTick = TimeSpan.Zero, ReschedulePauseBase = TimeSpan.Zero,
            PausePerActor = TimeSpan.Zero, RecoveryTime = TimeSpan.Zero, WarmupDuration = TimeSpan.Zero,
        },
    };

    private static double Capacity(int replicas) => ClusterModel.Capacity(Defaults.Compute, replicas);

    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(2, 0.9)]
    [InlineData(8, 0.73)]
    [InlineData(20, 0.64)]
    public void Capacity_grows_sublinearly_like_the_contTune_measurements(int replicas, double efficiency)
    {
        var perReplica = Capacity(1);

        Assert.Equal(efficiency, Capacity(replicas) / (perReplica * replicas), 2);
    }

    [Fact]
    public void Capacity_is_capped_by_the_partitions()
    {
        var compute = new ComputeParameters { Partitions = 8, EventsPerPartitionSecond = 100_000 };

        Assert.Equal(800_000, ClusterModel.Capacity(compute, 40));
    }

    [Fact]
    public void Every_event_is_processed_or_waits_in_the_backlog()
    {
        var model = new ClusterModel(Defaults, Step, 2, 1);
        double ingested = 0, processed = 0;
        ModelSample last = default;
        foreach (var rate in new[] { 100_000.0, 900_000, 900_000, 50_000, 0, 400_000 })
        {
            last = model.Step(rate);
            ingested += rate * Step.TotalSeconds;
            processed += last.ProcessedRate * Step.TotalSeconds;
        }

        Assert.Equal(ingested, processed + last.LagMessages, 3);
    }

    [Fact]
    public void Under_capacity_there_is_no_lag_and_latency_stays_low()
    {
        var model = new ClusterModel(Defaults, Step, 4, 2);
        ModelSample sample = default;
        for (var i = 0; i < 40; i++)
        {
            sample = model.Step(0.5 * Capacity(4));
        }

        Assert.Equal(0, sample.LagMessages);
        Assert.Equal(0.5, sample.BusyRatio, 6);
        Assert.Equal(1.0, sample.BarrierLatency, 6); // idle latency 0.5 s / (1 - 0.5)
        Assert.Equal(0, sample.BackpressureRatio);
        Assert.Equal(Capacity(4), sample.ProcessedRate / sample.BusyRatio, 3);
    }

    [Fact]
    public void Overload_builds_lag_backpressure_and_bounded_latency()
    {
        var model = new ClusterModel(Defaults, Step, 2, 2);
        var samples = Enumerable.Range(0, 240).Select(_ => model.Step(1.5 * Capacity(2))).ToList();

        Assert.True(samples[^1].LagMessages > samples[10].LagMessages);
        Assert.True(samples[^1].LagSeconds > 60);
        Assert.True(samples[^1].BackpressureRatio > 0.9);
        Assert.Equal(1.0, samples[^1].BusyRatio, 6);
        // Channels are bounded: the surplus waits in Kafka, latency levels off at queueing + the overload ceiling.
        Assert.Equal(50 + 60, samples[^1].BarrierLatency, 6);
    }

    [Fact]
    public void Lag_in_seconds_is_the_age_of_the_oldest_unconsumed_message_even_when_ingest_stops()
    {
        // Twice what two replicas process for 5 minutes, then nothing: backlog / ingest would be infinite.
        var model = new ClusterModel(NoRescaleCosts, Step, 2, 2);
        var burst = Enumerable.Range(0, 20).Select(_ => model.Step(2 * Capacity(2))).ToList();
        var quiet = Enumerable.Range(0, 24).Select(_ => model.Step(0)).ToList();

        // Under a constant overload the consumer falls behind at half the producers' pace: the oldest waiting
        // message is half as old as the run.
        Assert.Equal(burst.Count * Step.TotalSeconds / 2, burst[^1].LagSeconds, 6);
        // Once ingest stops the backlog drains and the age stays a time, bounded by the burst.
        Assert.All(quiet, s => Assert.InRange(s.LagSeconds, 0, (burst.Count + quiet.Count) * Step.TotalSeconds));
        Assert.True(quiet[0].LagSeconds > burst[^1].LagSeconds);
        Assert.Equal(0, quiet[^1].LagMessages);
        Assert.Equal(0, quiet[^1].LagSeconds);
    }

    [Fact]
    public void The_reported_lag_refreshes_every_30_seconds_and_never_exceeds_the_true_lag()
    {
        var model = new ClusterModel(Defaults, TimeSpan.FromSeconds(5), 1, 1);
        var samples = Enumerable.Range(0, 36).Select(_ => model.Step(2 * Capacity(1))).ToList();

        Assert.All(samples, s => Assert.True(s.ReportedLagMessages <= s.LagMessages + 1e-6));
        // Between refreshes the stale watermark holds while consumption goes on: the reported lag only falls.
        for (var i = 6; i < 10; i++)
        {
            Assert.True(samples[i + 1].ReportedLagMessages <= samples[i].ReportedLagMessages);
        }

        // At the refresh (60 s) it jumps to the growing true lag.
        Assert.True(samples[11].ReportedLagMessages > samples[10].ReportedLagMessages);
    }

    [Fact]
    public void A_scale_out_starts_pods_then_pauses_for_the_reschedule_then_warms_up()
    {
        var model = new ClusterModel(Defaults, Step, 2, 1);
        var rate = 0.5 * Capacity(2);
        model.Step(rate);
        model.ScaleCompute(4);

        var samples = Enumerable.Range(0, 60).Select(_ => (Sample: model.Step(rate), model.ComputeRescaling)).ToList();

        // Pods are ready after the 45 s start delay, three steps.
        Assert.Equal(2, samples[1].Sample.ComputeReady);
        Assert.Equal(4, samples[3].Sample.ComputeReady);
        // Then nothing is processed while actors move: 2 s + 10 fragments x 32 cores x 0.086 s.
        var paused = samples.Count(s => s.Sample.ProcessedRate == 0 && s.Sample.IngestRate > 0);
        Assert.InRange(paused, 1, 3);
        Assert.True(samples.Max(s => s.Sample.BarrierLatency) > 20);
        // After the pause, capacity is reduced while caches refill, then back to four warm replicas.
        var afterPause = samples.FindIndex(3, s => s.Sample.Capacity > 0);
        Assert.True(samples[afterPause].Sample.Capacity < Capacity(4));
        Assert.Equal(Capacity(4), samples[^1].Sample.Capacity, 3);
        Assert.False(samples[^1].ComputeRescaling);
        Assert.True(samples[2].ComputeRescaling);
    }

    [Fact]
    public void A_scale_in_is_a_recovery_that_pauses_processing()
    {
        var model = new ClusterModel(Defaults, Step, 4, 1);
        model.Step(100_000);
        model.ScaleCompute(2);

        Assert.True(model.ComputeRescaling);
        Assert.Equal(0, model.Step(100_000).ProcessedRate);
        Assert.Equal(2, model.ComputeReady);
    }

    [Fact]
    public void Without_rescale_costs_new_replicas_work_from_the_next_step()
    {
        var model = new ClusterModel(NoRescaleCosts, Step, 2, 1);
        model.ScaleCompute(4);

        var sample = model.Step(Capacity(4));

        Assert.Equal(Capacity(4), sample.Capacity, 3);
    }

    [Fact]
    public void Too_few_compactors_stop_writes_and_back_pressure_compute_until_they_catch_up()
    {
        var model = new ClusterModel(NoRescaleCosts, Step, 8, 1);
        var rate = 0.6 * Capacity(8); // about 5.8 compactor cores of demand, one compactor has 2
        var before = Enumerable.Range(0, 40).Select(_ => model.Step(rate)).ToList();

        Assert.Contains(before, s => s.WriteStop == 1);
        var stopped = before.Last(s => s.WriteStop == 1);
        Assert.Contains(before, s => s.Capacity < 0.2 * Capacity(8));
        Assert.True(stopped.CompactionPendingBytes > 4e9 * 2);
        Assert.Equal(6, stopped.CompactionRunningSlots, 6); // 3 slots per core, 2 cores, all busy

        model.ScaleCompactor(8);
        var after = Enumerable.Range(0, 80).Select(_ => model.Step(rate)).ToList();
        Assert.Equal(0, after[^1].WriteStop);
        Assert.Equal(0, after[^1].LagMessages);
    }
}
