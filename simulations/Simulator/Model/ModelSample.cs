namespace RwAutoscaler.Simulator.Model;

/// <summary>
/// What the cluster model did in one step. The first block is what Prometheus would show (the signals, in the
/// units of <see cref="Policies.Model.Signal"/>); the second is the model's truth, which the scores use.
/// </summary>
internal struct ModelSample
{
    // Signals, as the adapter reports them.
    public double IngestRate;
    public double ProcessedRate;
    public double BusyRatio;
    public double BackpressureRatio;
    public double ComputeCpu;
    public double CompactorCpu;
    public double BarrierLatency;
    public double ReportedLagMessages;
    public double ReportedLagSeconds;
    public double CompactionPendingBytes;
    public double CompactionRunningSlots;
    public double WriteStop;

    // Truth.
    public double LagMessages;
    public double LagSeconds;

    /// <summary>Events/s the active replicas could process this step (after pauses, warm-up and write-stop).</summary>
    public double Capacity;

    public int ComputePods;
    public int ComputeReady;
    public int CompactorPods;
}
