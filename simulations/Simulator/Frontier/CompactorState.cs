using RwAutoscaler.Simulator.Model;

namespace RwAutoscaler.Simulator.Frontier;

/// <summary>
/// The compactor side of the <see cref="ClusterModel"/> as a value: pods that start after a delay, the compaction
/// work owed, the task slots in use, the work redone when a busy compactor is removed, and the L0 write-stop. The
/// model steps it and the frontier search copies it, so both run the same equations.
/// </summary>
internal record struct CompactorState
{
    public Pods Pods;
    public double Work;        // compactor core-seconds owed
    public double Busy;
    public bool WriteStop;
    public double Now;

    public static CompactorState Initial(ModelParameters model, int replicas)
    {
        ArgumentNullException.ThrowIfNull(model);
        var n = Math.Clamp(replicas, 0, model.Compactor.MaxReplicas);
        return new CompactorState { Pods = Pods.Of(n) };
    }

    public readonly int Target => Pods.Target;

    public readonly int Ready => Pods.Ready;

    public readonly bool Rescaling => Pods.Starting > 0;

    public readonly double Cores(ModelParameters model) => Ready * model.Compactor.CoresPerReplica;

    public void Scale(ModelParameters model, int target)
    {
        var removed = Pods.Scale(Math.Clamp(target, 0, model.Compactor.MaxReplicas), Now, model.Rescale.CompactorStartDelay.TotalSeconds);
        if (removed > 0)
        {
            // Tasks running on a removed compactor are cancelled after the heartbeat timeout and done again.
            Work += removed * model.Compactor.CoresPerReplica * Busy * model.Rescale.CompactorTaskLoss.TotalSeconds;
        }
    }

    /// <summary>
    /// One step: pods whose start delay has passed join, the compaction of <paramref name="processedRate"/> is owed
    /// and served; writes stop for the next step when the work owed passes the L0 limit. Returns the demand in cores.
    /// </summary>
    public double Step(ModelParameters model, double dt, double processedRate, double ingestRate)
    {
        Pods.Advance(Now);
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
