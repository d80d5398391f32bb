using RwAutoscaler.Simulator.Model;

namespace RwAutoscaler.Simulator.Frontier;

/// <summary>
/// The compactor side of the <see cref="ClusterModel"/> as a value: pods that start after a delay, the compaction
/// work owed, the task slots in use, the work redone when a busy compactor is removed, and the L0 write-stop. The
/// model steps it and the frontier search copies it, so both run the same equations. Pods added while others start
/// become ready with the newest (the simulator never scales while a rescale is in progress).
/// </summary>
internal record struct CompactorState
{
    public int Target;
    public int Ready;
    public int Starting;
    public double ReadyAt;
    public double Work;        // compactor core-seconds owed
    public double Busy;
    public bool WriteStop;
    public double Now;

    public static CompactorState Initial(ModelParameters model, int replicas)
    {
        ArgumentNullException.ThrowIfNull(model);
        var n = Math.Clamp(replicas, 0, model.Compactor.MaxReplicas);
        return new CompactorState { Target = n, Ready = n };
    }

    public readonly bool Rescaling => Starting > 0;

    public readonly double Cores(ModelParameters model) => Ready * model.Compactor.CoresPerReplica;

    public void Scale(ModelParameters model, int target)
    {
        target = Math.Clamp(target, 0, model.Compactor.MaxReplicas);
        if (target > Target)
        {
            Starting += target - Target;
            ReadyAt = Now + model.Rescale.CompactorStartDelay.TotalSeconds;
            Target = target;
            return;
        }

        var remove = Target - target;
        var fromStarting = Math.Min(Starting, remove);
        Starting -= fromStarting;
        var removed = remove - fromStarting;
        if (removed > 0 && Ready > 0)
        {
            // Tasks running on a removed compactor are cancelled after the heartbeat timeout and done again.
            Work += removed * model.Compactor.CoresPerReplica * Busy * model.Rescale.CompactorTaskLoss.TotalSeconds;
        }

        Ready -= removed;
        Target = target;
    }

    /// <summary>
    /// One step: pods whose start delay has passed join, the compaction of <paramref name="processedRate"/> is owed
    /// and served; writes stop for the next step when the work owed passes the L0 limit. Returns the demand in cores.
    /// </summary>
    public double Step(ModelParameters model, double dt, double processedRate, double ingestRate)
    {
        if (Starting > 0 && ReadyAt <= Now)
        {
            Ready += Starting;
            Starting = 0;
        }

        var compactor = model.Compactor;
        var demand = ClusterModel.CompactionCores(compactor, processedRate);
        var cores = Cores(model);
        Work += demand * dt;
        var served = Math.Min(Work, cores * dt);
        Work -= served;
        Busy = cores > 0 ? served / (cores * dt) : 0;
        var intake = Math.Max(ClusterModel.CompactionCores(compactor, ingestRate), 1e-9);
        WriteStop = Work > compactor.WriteStopBacklog.TotalSeconds * intake;
        Now += dt;
        return demand;
    }
}
