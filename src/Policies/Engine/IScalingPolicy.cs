using RwAutoscaler.Policies.Decisions;

namespace RwAutoscaler.Policies.Engine;

/// <summary>
/// A scaling policy: reads one component's observation (and its own past proposals) and proposes a replica
/// count, with the numbers it used. Pure: no I/O, no clock other than <see cref="PolicyContext.Now"/>.
/// </summary>
public interface IScalingPolicy
{
    /// <summary>The name the trail uses (the spec's <c>name</c>, else its type).</summary>
    string Name { get; }

    Proposal Propose(in PolicyContext context);

    /// <summary>How far back this policy reads history; hosts keep at least this much.</summary>
    TimeSpan HistoryHorizon => TimeSpan.Zero;

    /// <summary>How far back this policy reads signal windows; hosts that keep signals keep at least this much.</summary>
    TimeSpan SignalHorizon => TimeSpan.Zero;
}
