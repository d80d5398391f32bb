using System.Runtime.ExceptionServices;

namespace RwAutoscaler.Operator.Reactions;

/// <summary>Runs reactions in order and stops at the first that does not continue (or fails).</summary>
internal sealed class SequentialReaction(IReadOnlyList<Reaction> reactions) : Reaction
{
    public override string Name => $"Sequential({string.Join(", ", reactions.Select(r => r.Name))})";

    public override async Task<ReactionResult> RunAsync(ReactionContext context, CancellationToken cancellationToken)
    {
        foreach (var reaction in reactions)
        {
            var result = await reaction.RunAsync(context, cancellationToken);
            if (!result.Continue)
            {
                return result;
            }
        }

        return ReactionResult.Next;
    }
}

/// <summary>
/// Runs every reaction whatever the others do, in order, except that <see cref="ParallelReaction"/>s are
/// started and awaited together at the end; then joins their results. One failure does not stop the
/// others: the failures are rethrown together once all have finished.
/// </summary>
internal sealed class JoinReaction(IReadOnlyList<Reaction> reactions) : Reaction
{
    public override string Name => $"Join({string.Join(", ", reactions.Select(r => r.Name))})";

    public override async Task<ReactionResult> RunAsync(ReactionContext context, CancellationToken cancellationToken)
    {
        var results = new List<ReactionResult>(reactions.Count);
        var failures = new List<Exception>();
        var started = new List<Task<ReactionResult>>();
        foreach (var reaction in reactions)
        {
            if (reaction is ParallelReaction)
            {
                started.Add(reaction.RunAsync(context, cancellationToken));
                continue;
            }

            try
            {
                results.Add(await reaction.RunAsync(context, cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures.Add(e);
            }
        }

        foreach (var task in started)
        {
            try
            {
                results.Add(await task);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures.Add(e);
            }
        }

        // A shared reaction that failed reports the same exception through every branch that ran it.
        failures = failures.Distinct().ToList();
        if (failures.Count == 1)
        {
            ExceptionDispatchInfo.Capture(failures[0]).Throw();
        }

        if (failures.Count > 1)
        {
            throw new AggregateException($"{failures.Count} reactions failed", failures);
        }

        return ReactionResult.Combine(results);
    }
}
