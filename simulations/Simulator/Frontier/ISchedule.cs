namespace RwAutoscaler.Simulator.Frontier;

/// <summary>
/// One component's scheduling problem for <see cref="LagrangianSearch"/>: its state, which replica counts it may be
/// set to at a step, one step of its dynamics with what it cost and whether it broke the SLO, and which states the
/// search may treat as one.
/// </summary>
internal interface ISchedule<TState, TKey>
    where TState : struct
    where TKey : struct, IEquatable<TKey>
{
    int Steps { get; }

    /// <summary>The states a run may start in (a run starts where it likes, as static provisioning does).</summary>
    IEnumerable<TState> Initial();

    /// <summary>False while a rescale is in progress: the hosts act on no decision then.</summary>
    bool CanAct(in TState state);

    /// <summary>The replica counts worth trying at <paramref name="step"/> (the state's own is skipped).</summary>
    void Candidates(int step, in TState state, List<int> into);

    /// <summary>Sets the replica count; returns a price on the act itself, which the search adds to the objective, not to the cost.</summary>
    double Scale(ref TState state, int replicas);

    /// <summary>Advances one step; returns its cost (core-seconds) and its seconds of SLO violation.</summary>
    (double Cost, double Violation) Advance(ref TState state, int step);

    /// <summary>States with the same key are merged, keeping the best; the full state for an exact search.</summary>
    TKey Key(in TState state);

    int Replicas(in TState state);

    /// <summary>
    /// A small number that the beam keeps a few of each of, whatever their objective (a schedule that holds more
    /// replicas now looks worse until the load it waits for arrives).
    /// </summary>
    int Group(in TState state);
}
