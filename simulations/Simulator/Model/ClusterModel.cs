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
    private readonly double _dt;
    private readonly PodGroup _compute;
    private readonly PodGroup _compactor;

    private int _active;              // compute replicas whose actors run (as of the last reschedule)
    private int _activeAfterPause;
    private double _pauseStart;
    private double _pauseUntil = double.NegativeInfinity;
    private double _rescheduleAt = double.PositiveInfinity;
    private double _warmupFrom = double.NegativeInfinity;
    private double _backlog;          // messages in Kafka not yet consumed
    private double _overload;         // seconds of work a saturated dataflow holds in its channels
    private double _latency;
    private double _cumulativeIngest;
    private readonly OffsetClock _produced = new();   // the true high watermark, every step
    private readonly OffsetClock _watermarks = new(); // the high watermarks meta has read, every 30 s
    private double _staleWatermark;
    private double _nextWatermarkRefresh;
    private double _compactionWork;   // compactor core-seconds owed
    private double _compactorBusy;
    private bool _writeStop;

    public ClusterModel(ModelParameters parameters, TimeSpan step, int computeReplicas, int compactorReplicas)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _p = parameters;
        _dt = step.TotalSeconds;
        var compute = parameters.Compute;
        _compute = new PodGroup(computeReplicas, parameters.Rescale.PodStartDelay.TotalSeconds, compute.MaxReplicas);
        _compactor = new PodGroup(
            compactorReplicas, parameters.Rescale.CompactorStartDelay.TotalSeconds, parameters.Compactor.MaxReplicas);
        _active = _compute.Ready;
        _latency = IdleLatency;
        _produced.Add(0, 0);
    }

    /// <summary>Seconds since the start of the run.</summary>
    public double Now { get; private set; }

    public int ComputeTarget => _compute.Target;

    public int ComputeReady => _compute.Ready;

    public int CompactorTarget => _compactor.Target;

    public int CompactorReady => _compactor.Ready;

    /// <summary>Pods starting, new workers waiting for meta's next tick, or actors paused for a reschedule or recovery.</summary>
    public bool ComputeRescaling =>
        _compute.Starting > 0 || _rescheduleAt < double.PositiveInfinity || Now < _pauseUntil || _active != _compute.Ready;

    public bool CompactorRescaling => _compactor.Starting > 0;

    private double IdleLatency => _p.Latency.IdleLatencyIntervals * _p.Latency.BarrierInterval.TotalSeconds;

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

    public void ScaleCompute(int target)
    {
        var removed = _compute.Scale(target, Now);
        if (removed > 0)
        {
            // Scale-in is a recovery: every job restarts from its checkpoint on the remaining workers.
            var pause = _p.Rescale.RecoveryTime.TotalSeconds + ActorPause(_compute.Ready);
            Pause(Now, pause, _compute.Ready);
            _rescheduleAt = double.PositiveInfinity;
        }
    }

    public void ScaleCompactor(int target)
    {
        var readyBefore = _compactor.Ready;
        var removed = _compactor.Scale(target, Now);
        if (removed > 0 && readyBefore > 0)
        {
            // Tasks running on a removed compactor are cancelled after the heartbeat timeout and done again.
            _compactionWork += removed * _p.Compactor.CoresPerReplica * _compactorBusy * _p.Rescale.CompactorTaskLoss.TotalSeconds;
        }
    }

    public ModelSample Step(double ingestRate)
    {
        var t0 = Now;
        var t1 = t0 + _dt;
        if (_compute.Advance(t0) > 0)
        {
            // Meta picks new workers up on its next parallelism-control tick.
            var tick = _p.Rescale.RescheduleTick.TotalSeconds;
            var next = tick > 0 ? Math.Ceiling(t0 / tick) * tick : t0;
            _rescheduleAt = Math.Min(_rescheduleAt, next);
        }

        _compactor.Advance(t0);
        if (_rescheduleAt < t1 && _pauseUntil <= Math.Max(t0, _rescheduleAt))
        {
            var start = Math.Max(t0, _rescheduleAt);
            _rescheduleAt = double.PositiveInfinity;
            if (_compute.Ready != _active)
            {
                // The online reschedule waits for in-flight barriers to drain, processing meanwhile (#15490),
                // then pauses the actors while it moves them.
                Pause(start + _latency, _p.Rescale.ReschedulePauseBase.TotalSeconds + ActorPause(_compute.Ready), _compute.Ready);
            }
        }

        if (_pauseUntil <= t1 && _active != _activeAfterPause && _pauseUntil > double.NegativeInfinity)
        {
            _active = _activeAfterPause;
        }

        var paused = Math.Max(0, Math.Min(t1, _pauseUntil) - Math.Max(t0, _pauseStart));
        var working = _dt - paused;

        // Compute: what the active replicas process in the time they are not paused.
        var warm = Capacity(_p.Compute, _active) * Warmup(t0 + (_dt / 2));
        var effective = _writeStop ? warm * _p.Compactor.WriteStopCapacity : warm;
        var arrivals = ingestRate * _dt;
        var available = _backlog + arrivals;
        var processed = Math.Min(available, effective * working);
        _backlog = available - processed;
        var busy = warm > 0 ? processed / (warm * _dt) : 0;
        var backpressure = working > 0 && available > 0 && available > effective * working ? 1 - (effective * working / available) : 0;

        // Barrier latency: queueing with utilisation, the work a saturated dataflow holds in its channels, and
        // during a pause the time the pending barrier has waited.
        var rho = effective * working > 0 ? Math.Min(processed / (effective * working), _p.Latency.MaxQueueingUtilization) : 0;
        var stall = paused > 0 ? Math.Min(t1, _pauseUntil) - _pauseStart : 0;
        if (working > 0)
        {
            var load = effective > 0 ? ingestRate / effective : double.PositiveInfinity;
            if (_backlog > 0)
            {
                var ceiling = Math.Max(_overload, _p.Latency.MaxOverloadLatency.TotalSeconds);
                _overload = Math.Min(ceiling, _overload + (working * Math.Min(Math.Max(0, load - 1), 1)));
            }
            else
            {
                _overload = Math.Max(0, _overload - (working * _p.Latency.OverloadDrainRate * Math.Max(0, 1 - load)));
            }
        }

        _latency = (working > 0 ? IdleLatency / (1 - rho) : 0) + _overload + stall;

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

        var consumed = _cumulativeIngest - _backlog;
        var reportedLag = Math.Max(0, _staleWatermark - consumed);

        // Compactors: demand follows the data written; a backlog past the L0 limit stops writes next step.
        var compactor = _p.Compactor;
        var demand = CompactionCores(compactor, processed / _dt);
        var cores = _compactor.Ready * compactor.CoresPerReplica;
        _compactionWork += demand * _dt;
        var served = Math.Min(_compactionWork, cores * _dt);
        _compactionWork -= served;
        _compactorBusy = cores > 0 ? served / (cores * _dt) : 0;
        var intake = Math.Max(CompactionCores(compactor, ingestRate), 1e-9);
        _writeStop = _compactionWork > compactor.WriteStopBacklog.TotalSeconds * intake;

        Now = t1;
        return new ModelSample
        {
            IngestRate = ingestRate,
            ProcessedRate = processed / _dt,
            BusyRatio = busy,
            BackpressureRatio = backpressure,
            ComputeCpu = _compute.Ready > 0 ? _p.Compute.IdleCpu + ((1 - _p.Compute.IdleCpu) * busy * _active / _compute.Ready) : 0,
            CompactorCpu = _compactor.Ready > 0 ? compactor.IdleCpu + ((1 - compactor.IdleCpu) * _compactorBusy) : 0,
            BarrierLatency = _latency,
            ReportedLagMessages = reportedLag,
            ReportedLagSeconds = reportedLag > 0 ? _watermarks.LagSeconds(consumed, t1) : 0,
            CompactionPendingBytes = compactor.PendingBytesPerCore * (demand + (_compactionWork / compactor.BacklogSpread.TotalSeconds)),
            CompactionRunningSlots = compactor.SlotsPerCore * cores * _compactorBusy,
            WriteStop = _writeStop ? 1 : 0,
            LagMessages = _backlog,
            LagSeconds = _backlog > 0 ? _produced.LagSeconds(consumed, t1) : 0,
            Capacity = effective * working / _dt,
            ComputePods = _compute.Target,
            ComputeReady = _compute.Ready,
            CompactorPods = _compactor.Target,
        };
    }

    private double ActorPause(int replicas)
    {
        var compute = _p.Compute;
        var parallelism = Math.Min(replicas * compute.CoresPerReplica, compute.MaxParallelism);
        return compute.Fragments * parallelism * _p.Rescale.PausePerActor.TotalSeconds;
    }

    private void Pause(double start, double seconds, int activeAfter)
    {
        if (_pauseUntil > start)
        {
            _pauseUntil = Math.Max(_pauseUntil, start + seconds);
        }
        else
        {
            _pauseStart = start;
            _pauseUntil = start + seconds;
        }

        _activeAfterPause = activeAfter;
        _warmupFrom = _pauseUntil;
    }

    private double Warmup(double t)
    {
        var duration = _p.Rescale.WarmupDuration.TotalSeconds;
        if (t < _warmupFrom || duration <= 0)
        {
            return 1;
        }

        var initial = _p.Rescale.WarmupInitialCapacity;
        return Math.Min(1, initial + ((1 - initial) * (t - _warmupFrom) / duration));
    }
}
