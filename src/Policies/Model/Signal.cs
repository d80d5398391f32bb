namespace RwAutoscaler.Policies.Model;

/// <summary>
/// The dataflow signals the engine reads. Each is produced by the daemon from RisingWave's own metrics
/// (see docs/signals.md for the PromQL) and by the simulator's cluster model, with the same units.
/// </summary>
public enum Signal
{
    /// <summary>Events per second arriving at the sources (the producers' rate).</summary>
    IngestRate,
    /// <summary>Events per second the sources emit into the dataflow.</summary>
    ProcessedRate,
    /// <summary>Fraction of time actors are busy, 0..1.</summary>
    BusyRatio,
    /// <summary>Fraction of time actor outputs are blocked by a full downstream channel, 0..1.</summary>
    BackpressureRatio,
    /// <summary>CPU used over the pods' CPU requests, summed over the component's pods, 0..1 (above 1 when pods use more than they request).</summary>
    CpuUtilization,
    /// <summary>Barrier latency p99, seconds.</summary>
    BarrierLatencyP99,
    /// <summary>Messages between the sources' high watermark and what has been consumed.</summary>
    SourceLagMessages,
    /// <summary>Age of the oldest unconsumed message, seconds (worst partition).</summary>
    SourceLagSeconds,
    /// <summary>Bytes of the LSM tree that compaction still has to process to reach balance.</summary>
    CompactionPendingBytes,
    /// <summary>Parallelism of the compaction tasks running on the compactors (task slots in use).</summary>
    CompactionRunningSlots,
    /// <summary>1 when any compaction group is in write-stop (L0 over its threshold), else 0.</summary>
    L0WriteStop,
    /// <summary>
    /// 1 while the barrier latency p99 lies beyond the histogram's last finite bucket, else 0: <see cref="BarrierLatencyP99"/>
    /// then reads that bucket's bound, so it is "at least" that much, not a measurement.
    /// </summary>
    BarrierLatencyP99Capped,
}

public static class SignalNames
{
    /// <summary>Number of signals; the size of per-signal arrays.</summary>
    public const int Count = (int)Signal.BarrierLatencyP99Capped + 1;

    private static readonly string[] Names =
    [
        "ingestRate", "processedRate", "busyRatio", "backpressureRatio", "cpuUtilization", "barrierLatencyP99",
        "sourceLagMessages", "sourceLagSeconds", "compactionPendingBytes", "compactionRunningSlots", "l0WriteStop", "barrierLatencyP99Capped",
    ];

    private static readonly string[] Units =
    [
        "events/s", "events/s", "ratio", "ratio", "ratio", "s", "messages", "s", "bytes", "slots", "flag", "flag",
    ];

    public static IReadOnlyList<string> All => Names;

    public static string ToName(this Signal signal) => Names[(int)signal];

    public static string Unit(this Signal signal) => Units[(int)signal];

    public static bool TryParse(string? name, out Signal signal)
    {
        var index = name is null ? -1 : Array.IndexOf(Names, name);
        signal = (Signal)Math.Max(index, 0);
        return index >= 0;
    }
}
