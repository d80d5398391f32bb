using RwAutoscaler.Simulator.Model;

namespace RwAutoscaler.Simulator.Frontier;

/// <summary>
/// The compute side of the <see cref="ClusterModel"/> as a value (pod start, reschedule tick and pause, recovery on
/// scale-in, warm-up, backlog, overload and barrier latency): the model steps it, and the frontier search copies it
/// for each choice it tries, so both run the same equations.
/// </summary>
internal record struct ComputeState
{
    public Pods Pods;
    public int Active;
    public int ActiveAfterPause;
    public double PauseStart;
    public double PauseUntil;
    public double RescheduleAt;
    public double WarmupFrom;
    public double Backlog;
    public double Overload;
    public double Latency;
    public double Now;

    public static ComputeState Initial(ComputeDynamics model, int replicas)
    {
        ArgumentNullException.ThrowIfNull(model);
        var n = Math.Clamp(replicas, 0, model.MaxReplicas);
        return new ComputeState
        {
            Pods = Pods.Of(n),
            Active = n,
            PauseUntil = double.NegativeInfinity,
            RescheduleAt = double.PositiveInfinity,
            WarmupFrom = double.NegativeInfinity,
            Latency = model.IdleLatency,
        };
    }

    public readonly int Target => Pods.Target;

    public readonly int Ready => Pods.Ready;

    /// <summary>As <see cref="ClusterModel.ComputeRescaling"/>: no decision is acted on while this holds.</summary>
    public readonly bool Rescaling =>
        Pods.Starting > 0 || RescheduleAt < double.PositiveInfinity || Now < PauseUntil || Active != Ready;

    public void Scale(ComputeDynamics model, int target)
    {
        if (Pods.Scale(Math.Clamp(target, 0, model.MaxReplicas), Now, model.PodStartDelay) > 0)
        {
            Pause(Now, model.RecoveryTime + model.ActorPause(Ready), Ready);
            RescheduleAt = double.PositiveInfinity;
        }
    }

    /// <summary>
    /// One step of <paramref name="dt"/> seconds at <paramref name="ingestRate"/>, with <paramref name="capacityFactor"/>
    /// of the warm capacity left (below 1 while compaction stops writes).
    /// </summary>
    public ComputeStep Step(ComputeDynamics model, double dt, double ingestRate, double capacityFactor = 1)
    {
        var t0 = Now;
        var t1 = t0 + dt;
        if (Pods.Advance(t0))
        {
            // Meta picks new workers up on its next parallelism-control tick.
            var tick = model.RescheduleTick;
            var next = tick > 0 ? Math.Ceiling(t0 / tick) * tick : t0;
            RescheduleAt = Math.Min(RescheduleAt, next);
        }

        if (RescheduleAt < t1 && PauseUntil <= Math.Max(t0, RescheduleAt))
        {
            var start = Math.Max(t0, RescheduleAt);
            RescheduleAt = double.PositiveInfinity;
            if (Ready != Active)
            {
                Pause(start + Latency, model.ReschedulePauseBase + model.ActorPause(Ready), Ready);
            }
        }

        if (PauseUntil <= t1 && Active != ActiveAfterPause && PauseUntil > double.NegativeInfinity)
        {
            Active = ActiveAfterPause;
        }

        var paused = Math.Max(0, Math.Min(t1, PauseUntil) - Math.Max(t0, PauseStart));
        var working = dt - paused;
        var warm = model.Capacity(Active) * Warmup(model, t0 + (dt / 2));
        var effective = warm * capacityFactor;
        var available = Backlog + (ingestRate * dt);
        var processed = Math.Min(available, effective * working);
        Backlog = available - processed;

        var rho = effective * working > 0 ? Math.Min(processed / (effective * working), model.MaxQueueingUtilization) : 0;
        var stall = paused > 0 ? Math.Min(t1, PauseUntil) - PauseStart : 0;
        if (working > 0)
        {
            var load = effective > 0 ? ingestRate / effective : double.PositiveInfinity;
            if (Backlog > 0)
            {
                var ceiling = Math.Max(Overload, model.MaxOverloadLatency);
                Overload = Math.Min(ceiling, Overload + (working * Math.Min(Math.Max(0, load - 1), 1)));
            }
            else
            {
                Overload = Math.Max(0, Overload - (working * model.OverloadDrainRate * Math.Max(0, 1 - load)));
            }
        }

        Latency = (working > 0 ? model.IdleLatency / (1 - rho) : 0) + Overload + stall;
        Now = t1;
        return new ComputeStep(processed, available, warm, effective, working);
    }

    private void Pause(double start, double seconds, int activeAfter)
    {
        if (PauseUntil > start)
        {
            PauseUntil = Math.Max(PauseUntil, start + seconds);
        }
        else
        {
            PauseStart = start;
            PauseUntil = start + seconds;
        }

        ActiveAfterPause = activeAfter;
        WarmupFrom = PauseUntil;
    }

    private readonly double Warmup(ComputeDynamics model, double t)
    {
        var duration = model.WarmupDuration;
        if (t < WarmupFrom || duration <= 0)
        {
            return 1;
        }

        var initial = model.WarmupInitialCapacity;
        return Math.Min(1, initial + ((1 - initial) * (t - WarmupFrom) / duration));
    }
}

/// <summary>What one compute step did: events processed of those available, and the capacity it had.</summary>
internal readonly record struct ComputeStep(double Processed, double Available, double Warm, double Effective, double Working);
