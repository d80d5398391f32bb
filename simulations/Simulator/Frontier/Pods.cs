namespace RwAutoscaler.Simulator.Frontier;

/// <summary>
/// The pods of one component as a value: created at once when the spec grows and ready after a start delay, removed
/// at once when it shrinks, starting pods first (as a StatefulSet removes its highest ordinals). Pods added while
/// others start become ready with the newest: the simulator never scales while a rescale is in progress, so this
/// only coarsens a model driven by hand.
/// </summary>
internal record struct Pods
{
    /// <summary>Replicas the spec asks for; every one of them exists as a pod.</summary>
    public int Target;
    public int Ready;
    public int Starting;
    public double ReadyAt;

    public static Pods Of(int replicas) => new() { Target = replicas, Ready = replicas };

    /// <summary>Sets the spec at <paramref name="now"/>; returns how many ready pods were removed.</summary>
    public int Scale(int target, double now, double startDelay)
    {
        if (target > Target)
        {
            Starting += target - Target;
            ReadyAt = now + startDelay;
            Target = target;
            return 0;
        }

        var remove = Target - target;
        var fromStarting = Math.Min(Starting, remove);
        Starting -= fromStarting;
        var removed = remove - fromStarting;
        Ready -= removed;
        Target = target;
        return removed;
    }

    /// <summary>Pods whose start delay has passed by <paramref name="now"/> become ready; returns whether any did.</summary>
    public bool Advance(double now)
    {
        if (Starting == 0 || ReadyAt > now)
        {
            return false;
        }

        Ready += Starting;
        Starting = 0;
        return true;
    }
}
