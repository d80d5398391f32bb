namespace RwAutoscaler.Operator.Reactions;

/// <summary>
/// A small step of a reconcile that owns one thing (a sub-resource, a condition, a barrier) and only
/// creates, updates or deletes it to match the spec. Reactions are combined with <see cref="React.Join"/>
/// and <see cref="React.Sequential"/> and decorated with <see cref="React.Timeout"/>,
/// <see cref="React.Retry"/>, <see cref="React.Parallel"/> and <see cref="React.Shared"/>, none of which
/// change what the decorated reaction means. Failures are exceptions; <see cref="ReactionResult"/> says
/// whether the workflow may go on.
/// </summary>
internal abstract class Reaction
{
    public abstract string Name { get; }

    public abstract Task<ReactionResult> RunAsync(ReactionContext context, CancellationToken cancellationToken);

    public override string ToString() => Name;
}

/// <summary>Continue, or exit this branch (a barrier not met yet), optionally asking to be run again later.</summary>
internal sealed record ReactionResult(bool Continue, string? Reason = null, TimeSpan? RequeueAfter = null)
{
    public static ReactionResult Next { get; } = new(true);

    public static ReactionResult Exit(string reason, TimeSpan? requeueAfter = null) => new(false, reason, requeueAfter);

    /// <summary>Join's rule: continue only if all continue; the earliest requeue wins; reasons are kept.</summary>
    public static ReactionResult Combine(IReadOnlyList<ReactionResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var exits = results.Where(r => !r.Continue).ToList();
        var requeue = results.Where(r => r.RequeueAfter is not null).Select(r => r.RequeueAfter!.Value).DefaultIfEmpty().Min();
        return new(
            exits.Count == 0,
            exits.Count == 0 ? null : string.Join("; ", exits.Select(e => e.Reason).Where(r => r is not null).Distinct(StringComparer.Ordinal)),
            results.Any(r => r.RequeueAfter is not null) ? requeue : null);
    }
}

/// <summary>What a run knows besides its inputs: which attempt this is (a retry reads afresh, not from the cache).</summary>
internal sealed record ReactionContext(int Attempt = 0)
{
    public static ReactionContext First { get; } = new();

    /// <summary>True on a retry: the previous attempt failed, possibly because what it read was stale.</summary>
    public bool ReadFresh => Attempt > 0;
}

/// <summary>A reaction from a delegate: the leaves of a workflow.</summary>
internal sealed class ActionReaction(string name, Func<ReactionContext, CancellationToken, Task<ReactionResult>> action) : Reaction
{
    public override string Name => name;

    public override Task<ReactionResult> RunAsync(ReactionContext context, CancellationToken cancellationToken) => action(context, cancellationToken);
}
