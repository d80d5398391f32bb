namespace RwAutoscaler.Simulator.Model;

// Every default below names its source. "calibration" is shared/reference/calibration-and-traces.md and
// "risingwave" is shared/reference/risingwave.md (both summarise public RisingWave docs, code and issues).
// UNCONFIRMED marks values no public source pins down; DERIVED marks arithmetic on sourced numbers.
// Every field can be set in a scenario file under model.<group>.<field> (see docs/simulator.md).

/// <summary>Compute nodes: capacity, its sublinear growth with replicas, and the source partition cap.</summary>
internal sealed record ComputeParameters
{
    /// <summary>The Nexmark runs used 8-vCPU nodes (risingwave §5); RisingWave recommends at least 4 cores (calibration §3.2).</summary>
    public double CoresPerReplica { get; init; } = 8;

    /// <summary>
    /// Events per second one core processes. Nexmark spans 5.2k (q5) to 127k (q2) per core (risingwave §5,
    /// docs get-started/rw-benchmarks-stream-processing); 20k is q7-like (20.3k), a stateful window join.
    /// </summary>
    public double EventsPerCoreSecond { get; init; } = 20_000;

    /// <summary>
    /// Capacity grows as replicas^exponent. DERIVED from ContTune's Nexmark Q1 table (calibration §2.4):
    /// parallel efficiency 0.91 at 2, 0.74 at 8, 0.60 at 20 fits n^-0.15 within 0.05.
    /// </summary>
    public double ScalingExponent { get; init; } = 0.85;

    /// <summary>Kafka partitions of the source; one consumer per split, extra source actors idle (calibration §3.4, #11186, #15540).</summary>
    public int Partitions { get; init; } = 64;

    /// <summary>Events/s one split's reader can deliver: about a core of pass-through q0 (118k/core, risingwave §5).</summary>
    public double EventsPerPartitionSecond { get; init; } = 118_000;

    /// <summary>Fragments per streaming job; actors = fragments x parallelism (risingwave §4.1: parallelism = cores). UNCONFIRMED.</summary>
    public int Fragments { get; init; } = 10;

    /// <summary>streaming_max_parallelism caps adaptive parallelism (default 256, risingwave §4.1).</summary>
    public int MaxParallelism { get; init; } = 256;

    /// <summary>CPU a compute node uses with no load (heartbeats, barriers). UNCONFIRMED.</summary>
    public double IdleCpu { get; init; } = 0.03;

    /// <summary>Replicas at the start; unset means what the first 15 minutes of the workload need.</summary>
    public int? InitialReplicas { get; init; }

    /// <summary>The node pool's limit: replicas above it never start (a policy's maxReplicas is capped to it).</summary>
    public int MaxReplicas { get; init; } = 64;
}

/// <summary>What a rescale costs: pod start, the online reschedule pause, recovery on scale-in, cache warm-up.</summary>
internal sealed record RescaleParameters
{
    /// <summary>Pod scheduled, image pulled, process registered. UNCONFIRMED: "seconds if the node exists; minutes if a VM must be added" (calibration §3.3).</summary>
    public TimeSpan PodStartDelay { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Meta notices a new worker on its next tick: parallelism_control_trigger_period_sec = 10 (risingwave §4.2).</summary>
    public TimeSpan RescheduleTick { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Fixed part of the reschedule pause (Pause/ConfigChange/Resume barriers). UNCONFIRMED.</summary>
    public TimeSpan ReschedulePauseBase { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>DERIVED from #17927: 7,000 actors took 10 minutes to move, 0.086 s per actor (risingwave §4.4).</summary>
    public TimeSpan PausePerActor { get; init; } = TimeSpan.FromSeconds(0.086);

    /// <summary>
    /// Scale-in is a recovery, not an online reschedule (risingwave §4.3). "A single recovery is typically fast
    /// (&lt;30 s)" (docs/metrics/reference.md §5.5); field reports say 2-3 min (#6954, #19693).
    /// </summary>
    public TimeSpan RecoveryTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Actors start with cold caches after moving (risingwave §4.2): minutes, hours for large state (#18312). UNCONFIRMED.</summary>
    public TimeSpan WarmupDuration { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Fraction of capacity right after a move, rising linearly to 1 over the warm-up. UNCONFIRMED.</summary>
    public double WarmupInitialCapacity { get; init; } = 0.5;

    /// <summary>Compactors are stateless Deployments that pull tasks at once after registering (risingwave §4.3). UNCONFIRMED delay.</summary>
    public TimeSpan CompactorStartDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A removed compactor's running tasks are re-done: compaction_task_max_heartbeat_interval_secs = 30 (risingwave §4.3).</summary>
    public TimeSpan CompactorTaskLoss { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Barrier latency: queueing with utilisation, growth under overload, stalls during pauses.</summary>
internal sealed record LatencyParameters
{
    /// <summary>barrier_interval_ms = 1000, checkpoint_frequency = 1 (calibration §3.4).</summary>
    public TimeSpan BarrierInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>p99 barrier latency of an idle cluster, in barrier intervals. UNCONFIRMED ("below the barrier interval: healthy", risingwave §3.4).</summary>
    public double IdleLatencyIntervals { get; init; } = 0.5;

    /// <summary>Utilisation at which queueing is capped (1/(1-rho) grows without bound at 1).</summary>
    public double MaxQueueingUtilization { get; init; } = 0.99;

    /// <summary>
    /// Ceiling of the latency that sustained overload adds. Channels between actors are bounded, so a saturated
    /// dataflow holds a bounded amount of work and the surplus waits in Kafka as lag (risingwave §3.3-3.4: backpressure
    /// throttles the sources). UNCONFIRMED.
    /// </summary>
    public TimeSpan MaxOverloadLatency { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How fast the overload part of the latency drains once capacity exceeds demand, per second of spare capacity. UNCONFIRMED.</summary>
    public double OverloadDrainRate { get; init; } = 1.0;

    /// <summary>Kafka high watermarks refresh every 30 s (DEFAULT_SOURCE_WORKER_TICK_INTERVAL, risingwave §3.2), so lag is step-wise.</summary>
    public TimeSpan LagRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Compactors: demand proportional to ingest, pending bytes, task slots, L0 write-stop.</summary>
internal sealed record CompactorParameters
{
    /// <summary>Compactors: minimum 1 core, recommended at least 2 (risingwave-docs deploy/hardware-requirements, calibration §3.2).</summary>
    public double CoresPerReplica { get; init; } = 2;

    /// <summary>Compactor cores per 100k events/s. DERIVED (calibration §3.2): q7 1.30, q20 3.39, q9 4.29, q4 0.95, stateless about 0.</summary>
    public double CoresPer100kEvents { get; init; } = 1.3;

    /// <summary>"Divide pending bytes by 4 GB to estimate the ideal number of compactor CPUs" (docs performance/metrics.mdx, risingwave §3.8).</summary>
    public double PendingBytesPerCore { get; init; } = 4e9;

    /// <summary>How long a backlog of compaction work is spread over when turned into pending bytes (the docs average over 10 minutes). DERIVED.</summary>
    public TimeSpan BacklogSpread { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>compactor_max_task_multiplier = 3.0: task slots per core (risingwave §3.8).</summary>
    public double SlotsPerCore { get; init; } = 3.0;

    /// <summary>
    /// Writes stop when compaction is this far behind, in seconds of intake. DERIVED: level0_stop_write_threshold_sub_level_number
    /// = 128 (v3.0.3, risingwave §3.8) with one L0 sub-level per 1 s checkpoint.
    /// </summary>
    public TimeSpan WriteStopBacklog { get; init; } = TimeSpan.FromSeconds(128);

    /// <summary>Compute throughput left while writes are stopped ("write stalls result in longer barrier sync", calibration §3.2). UNCONFIRMED.</summary>
    public double WriteStopCapacity { get; init; } = 0.1;

    /// <summary>CPU a compactor uses with nothing to do. UNCONFIRMED.</summary>
    public double IdleCpu { get; init; } = 0.02;

    /// <summary>Replicas at the start; unset means what the first 15 minutes of the workload need.</summary>
    public int? InitialReplicas { get; init; }

    public int MaxReplicas { get; init; } = 32;
}

/// <summary>The whole model calibration of a scenario.</summary>
internal sealed record ModelParameters
{
    public ComputeParameters Compute { get; init; } = new();

    public RescaleParameters Rescale { get; init; } = new();

    public LatencyParameters Latency { get; init; } = new();

    public CompactorParameters Compactor { get; init; } = new();
}
