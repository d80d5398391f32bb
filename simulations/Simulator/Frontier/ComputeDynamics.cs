using RwAutoscaler.Simulator.Model;

namespace RwAutoscaler.Simulator.Frontier;

/// <summary>The model's compute and rescale parameters in the form <see cref="ComputeState"/> steps with: seconds, and per replica count the warm capacity and the actor-move pause.</summary>
internal sealed class ComputeDynamics
{
    private readonly double[] _capacity;
    private readonly double[] _actorPause;

    public ComputeDynamics(ModelParameters model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        var compute = model.Compute;
        MaxReplicas = compute.MaxReplicas;
        _capacity = new double[MaxReplicas + 1];
        _actorPause = new double[MaxReplicas + 1];
        for (var n = 0; n <= MaxReplicas; n++)
        {
            _capacity[n] = ClusterModel.Capacity(compute, n);
            var parallelism = Math.Min(n * compute.CoresPerReplica, compute.MaxParallelism);
            _actorPause[n] = compute.Fragments * parallelism * model.Rescale.PausePerActor.TotalSeconds;
        }

        var rescale = model.Rescale;
        PodStartDelay = rescale.PodStartDelay.TotalSeconds;
        RescheduleTick = rescale.RescheduleTick.TotalSeconds;
        ReschedulePauseBase = rescale.ReschedulePauseBase.TotalSeconds;
        RecoveryTime = rescale.RecoveryTime.TotalSeconds;
        WarmupDuration = rescale.WarmupDuration.TotalSeconds;
        WarmupInitialCapacity = rescale.WarmupInitialCapacity;
        var latency = model.Latency;
        IdleLatency = latency.IdleLatencyIntervals * latency.BarrierInterval.TotalSeconds;
        MaxQueueingUtilization = latency.MaxQueueingUtilization;
        MaxOverloadLatency = latency.MaxOverloadLatency.TotalSeconds;
        OverloadDrainRate = latency.OverloadDrainRate;
    }

    public ModelParameters Model { get; }

    public int MaxReplicas { get; }

    public double PodStartDelay { get; }

    public double RescheduleTick { get; }

    public double ReschedulePauseBase { get; }

    public double RecoveryTime { get; }

    public double WarmupDuration { get; }

    public double WarmupInitialCapacity { get; }

    public double IdleLatency { get; }

    public double MaxQueueingUtilization { get; }

    public double MaxOverloadLatency { get; }

    public double OverloadDrainRate { get; }

    /// <summary>Events/s <paramref name="replicas"/> warm replicas process (<see cref="ClusterModel.Capacity"/>).</summary>
    public double Capacity(int replicas) => _capacity[replicas];

    /// <summary>Seconds the actors of <paramref name="replicas"/> replicas take to move: fragments x parallelism x pause per actor.</summary>
    public double ActorPause(int replicas) => _actorPause[replicas];
}
