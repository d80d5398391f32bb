namespace RwAutoscaler.Policies.Model;

/// <summary>
/// How far back a policy reads one signal. Hosts that keep signals (the daemon's fetch, the simulator's buffers) keep
/// at least this much of it. <paramref name="Sparse"/>: read only as coarse averages (the predictive policy's ingest
/// history), so a host may keep that part at a coarser step.
/// </summary>
public readonly record struct SignalReach(Signal Signal, TimeSpan Back, bool Sparse = false);
