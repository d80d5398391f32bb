namespace RwAutoscaler.Operator.Reactions;

/// <summary>The vocabulary workflows are written in.</summary>
internal static class React
{
    public static Reaction Action(string name, Func<ReactionContext, CancellationToken, Task<ReactionResult>> action) => new ActionReaction(name, action);

    /// <summary>A step with no I/O that always continues (marking a condition, say).</summary>
    public static Reaction Step(string name, Action action) => new ActionReaction(name, (_, _) =>
    {
        action();
        return Task.FromResult(ReactionResult.Next);
    });

    /// <summary>Continues when <paramref name="condition"/> holds, exits the branch otherwise.</summary>
    public static Reaction Barrier(string name, Func<bool> condition) => new ActionReaction(name, (_, _) =>
        Task.FromResult(condition() ? ReactionResult.Next : ReactionResult.Exit(name)));

    public static Reaction Sequential(params Reaction[] reactions) => new SequentialReaction(reactions);

    public static Reaction Join(params Reaction[] reactions) => new JoinReaction(reactions);

    /// <summary>Join with every member started at once.</summary>
    public static Reaction ParallelJoin(IEnumerable<Reaction> reactions) => new JoinReaction([.. reactions.Select(Parallel)]);

    public static Reaction Parallel(Reaction reaction) => reaction as ParallelReaction ?? new ParallelReaction(reaction);

    public static Reaction Shared(Reaction reaction) => reaction as SharedReaction ?? new SharedReaction(reaction);

    public static Reaction Timeout(Reaction reaction, TimeSpan limit, TimeProvider time) => new TimeoutReaction(reaction, limit, time);

    public static Reaction Retry(Reaction reaction, int attempts, TimeSpan backoff, Func<Exception, bool> retryable, TimeProvider time) =>
        new RetryReaction(reaction, attempts, backoff, retryable, time);
}
