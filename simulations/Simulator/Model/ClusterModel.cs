using RwAutoscaler.Simulator.Frontier;

namespace RwAutoscaler.Simulator.Model;

/// <summary>
/// A RisingWave cluster, stepped in fixed time steps: compute replicas process the ingest (capacity sublinear in
/// replicas, capped by the source partitions), a backlog builds in Kafka when they cannot keep up, barrier
/// latency rises with utilisation and overload, rescales cost a pod start, a reschedule pause (a recovery on
/// scale-in) and a warm-up, and compactors work off the compaction demand or stop writes when far behind.
/// Events inside a step are resolved to the step, except pauses, which count to the second.
/// </summary>
internal sealed class ClusterModel
{
    private readonly ModelParameters _p;
    private readonly ComputeDynamics _dynamics;
    private readonly double _dt;
    private CompactorState _compactor; // pods, compaction work owed, slots in use, write-stop

    private ComputeState _compute;    // pods, actors, pauses, warm-up, backlog, overload and barrier latency
    private double _cumulativeIngest;
    private readonly OffsetClock _produced = new();   // the true high watermark, every step
    private readonly OffsetClock _watermarks = new(); // the high watermarks meta has read, every 30 s
    private double _staleWatermark;
    private double _nextWatermarkRefresh;

    public ClusterModel(ModelParameters parameters, TimeSpan step, int computeReplicas, int compactorReplicas)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _p = parameters;
        _dt = step.TotalSeconds;
        _dynamics = new ComputeDynamics(parameters);
        _compute = ComputeState.Initial(_dynamics, computeReplicas);
        _compactor = CompactorState.Initial(parameters, compactorReplicas);
        _produced.Add(0, 0);
    }

    /// <summary>Seconds since the start of the run.</summary>
    public double Now { get; private set; }

    public int ComputeTarget => _compute.Target;

    public int ComputeReady => _compute.Ready;

    public int CompactorTarget => _compactor.Target;

    public int CompactorReady => _compactor.Ready;

    /// <summary>Pods starting, new workers waiting for meta's next tick, or actors paused for a reschedule or recovery.</summary>
    public bool ComputeRescaling => _compute.Rescaling;

    public bool CompactorRescaling => _compactor.Rescaling;

    /// <summary>Events/s <paramref name="replicas"/> warm compute replicas process: sublinear, capped by the partitions.</summary>
    public static double Capacity(ComputeParameters compute, int replicas)
    {
        ArgumentNullException.ThrowIfNull(compute);
        if (replicas <= 0)
        {
            return 0;
        }

        var dataflow = compute.EventsPerCoreSecond * compute.CoresPerReplica * Math.Pow(replicas, compute.ScalingExponent);
        return Math.Min(dataflow, compute.Partitions * compute.EventsPerPartitionSecond);
    }

    /// <summary>Compactor cores the compaction of <paramref name="eventsPerSecond"/> keeps busy.</summary>
    public static double CompactionCores(CompactorParameters compactor, double eventsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(compactor);
        return eventsPerSecond * compactor.CoresPer100kEvents / 100_000;
    }

    /// <summary>Scale-out starts pods; scale-in is a recovery: every job restarts from its checkpoint on the remaining workers.</summary>
    public void ScaleCompute(int target) => _compute.Scale(_dynamics, target);

    public void ScaleCompactor(int target) => _compactor.Scale(_p, target);

    public ModelSample Step(double ingestRate)
    {
        var t0 = Now;
        var t1 = t0 + _dt;

        // Compute: what the active replicas process in the time they are not paused.
        var compute = _compute.Step(_dynamics, _dt, ingestRate, _compactor.WriteStop ? _p.Compactor.WriteStopCapacity : 1);
        var arrivals = ingestRate * _dt;
        var processed = compute.Processed;
        var busy = compute.Warm > 0 ? processed / (compute.Warm * _dt) : 0;
        var capacity = compute.Effective * compute.Working;
        var backpressure = compute.Working > 0 && compute.Available > 0 && compute.Available > capacity ? 1 - (capacity / compute.Available) : 0;

        // Source lag: Kafka's high watermark is refreshed only every 30 s; lag in seconds is the age of the oldest
        // unconsumed message, read from the watermarks seen as kafka-lag-exporter does (the truth from every step).
        _cumulativeIngest += arrivals;
        _produced.Add(t1, _cumulativeIngest);
        var refresh = _p.Latency.LagRefreshInterval.TotalSeconds;
        if (refresh <= 0)
        {
            _staleWatermark = _cumulativeIngest;
            _watermarks.Add(t1, _staleWatermark);
        }
        else
        {
            while (_nextWatermarkRefresh <= t1)
            {
                _staleWatermark = _cumulativeIngest - (ingestRate * (t1 - _nextWatermarkRefresh));
                _watermarks.Add(_nextWatermarkRefresh, _staleWatermark);
                _nextWatermarkRefresh += refresh;
            }
        }

        var consumed = _cumulativeIngest - _compute.Backlog;
        var reportedLag = Math.Max(0, _staleWatermark - consumed);

        // Compactors: demand follows the data written; a backlog past the L0 limit stops writes next step.
        var compactor = _p.Compactor;
        var demand = _compactor.Step(_p, _dt, processed / _dt, ingestRate);
        var cores = _compactor.Cores(_p);

        Now = t1;
        return new ModelSample
        {
            IngestRate = ingestRate,
            ProcessedRate = processed / _dt,
            BusyRatio = busy,
            BackpressureRatio = backpressure,
            ComputeCpu = _compute.Ready > 0 ? _p.Compute.IdleCpu + ((1 - _p.Compute.IdleCpu) * busy * _compute.Active / _compute.Ready) : 0,
            CompactorCpu = _compactor.Ready > 0 ? compactor.IdleCpu + ((1 - compactor.IdleCpu) * _compactor.Busy) : 0,
            BarrierLatency = _compute.Latency,
            ReportedLagMessages = reportedLag,
            ReportedLagSeconds = reportedLag > 0 ? _watermarks.LagSeconds(consumed, t1) : 0,
            CompactionPendingBytes = compactor.PendingBytesPerCore * (demand + (_compactor.Work / compactor.BacklogSpread.TotalSeconds)),
            CompactionRunningSlots = compactor.SlotsPerCore * cores * _compactor.Busy,
            WriteStop = _compactor.WriteStop ? 1 : 0,
            LagMessages = _compute.Backlog,
            LagSeconds = _compute.Backlog > 0 ? _produced.LagSeconds(consumed, t1) : 0,
            Capacity = capacity / _dt,
            ComputePods = _compute.Target,
            ComputeReady = _compute.Ready,
            CompactorPods = _compactor.Target,
        };
    }
}
