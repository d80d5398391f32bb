using System.Collections.Immutable;
using RwAutoscaler.Autoscaler.Recording;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Tests.Recording;

/// <summary>
/// Recordings made up for tests: a compute component with a fixed replica count facing a load curve, where
/// each replica processes <see cref="Capacity"/> events/s, and a compactor with a steady backlog.
/// </summary>
internal static class SyntheticRecording
{
    public const double Capacity = 25_000;
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    /// <param name="custom">Custom signals recorded for compute: name and value per step.</param>
    public static Autoscaler.Recording.Recording Make(
        int steps, Func<int, double> load, int replicas = 4, TimeSpan? step = null, Func<int, bool>? gap = null, params (string Name, Func<int, double> Value)[] custom)
    {
        var series = ImmutableArray.CreateBuilder<SeriesInfo>();
        var values = ImmutableArray.CreateBuilder<double[]>();
        void Add(ComponentKey component, SeriesKind kind, SignalRef? signal, Func<int, double> value)
        {
            series.Add(new SeriesInfo(component, kind, signal, $"synthetic {kind} {signal}"));
            values.Add(Enumerable.Range(0, steps).Select(i => gap?.Invoke(i) == true ? double.NaN : value(i)).ToArray());
        }

        var lag = new double[steps];
        for (var i = 1; i < steps; i++)
        {
            lag[i] = Math.Max(0, lag[i - 1] + ((load(i) - (replicas * Capacity)) * (step ?? TimeSpan.FromSeconds(15)).TotalSeconds));
        }

        var compute = ComponentKey.Compute;
        Add(compute, SeriesKind.TargetReplicas, null, _ => replicas);
        Add(compute, SeriesKind.ReadyReplicas, null, _ => replicas);
        Add(compute, SeriesKind.CoresPerReplica, null, _ => 8);
        Add(compute, SeriesKind.Signal, Signal.IngestRate, load);
        Add(compute, SeriesKind.Signal, Signal.ProcessedRate, i => Math.Min(load(i), replicas * Capacity));
        Add(compute, SeriesKind.Signal, Signal.BusyRatio, i => Math.Min(1, load(i) / (replicas * Capacity)));
        Add(compute, SeriesKind.Signal, Signal.BackpressureRatio, i => load(i) > replicas * Capacity ? 0.8 : 0.05);
        Add(compute, SeriesKind.Signal, Signal.SourceLagMessages, i => lag[i]);
        Add(compute, SeriesKind.Signal, Signal.SourceLagSeconds, i => load(i) > 0 ? lag[i] / load(i) : 0);
        Add(compute, SeriesKind.Signal, Signal.BarrierLatencyP99, i => load(i) > replicas * Capacity ? 20 : 1);
        foreach (var (name, value) in custom)
        {
            Add(compute, SeriesKind.Signal, SignalRef.Custom(name), value);
        }

        var compactor = ComponentKey.Compactor;
        Add(compactor, SeriesKind.TargetReplicas, null, _ => 1);
        Add(compactor, SeriesKind.ReadyReplicas, null, _ => 1);
        Add(compactor, SeriesKind.CoresPerReplica, null, _ => 4);
        Add(compactor, SeriesKind.Signal, Signal.CompactionPendingBytes, _ => 6e9);
        Add(compactor, SeriesKind.Signal, Signal.CompactionRunningSlots, _ => 8);
        Add(compactor, SeriesKind.Signal, Signal.L0WriteStop, _ => 0);

        return new Autoscaler.Recording.Recording
        {
            Cluster = "streaming/rw",
            Labels = ImmutableDictionary<string, string>.Empty.Add("namespace", "streaming").Add("risingwave_name", "rw"),
            Start = Start,
            Step = step ?? TimeSpan.FromSeconds(15),
            Count = steps,
            Source = "synthetic",
            RecordedAt = Start,
            Series = series.ToImmutable(),
            Values = values.ToImmutable(),
        };
    }
}
