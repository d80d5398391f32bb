namespace RwAutoscaler.Operator.Reactions;

/// <summary>Fails the reaction with a <see cref="TimeoutException"/> when it runs longer than the limit.</summary>
internal sealed class TimeoutReaction(Reaction inner, TimeSpan limit, TimeProvider time) : Reaction
{
    public override string Name => $"Timeout({inner.Name}, {limit})";

    public override async Task<ReactionResult> RunAsync(ReactionContext context, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await inner.RunAsync(context, linked.Token);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{inner.Name} did not finish within {limit}", e);
        }
    }
}

/// <summary>
/// Runs the reaction again when it fails with an error <paramref name="retryable"/> accepts (a conflict),
/// up to <paramref name="attempts"/> runs in all, waiting <paramref name="backoff"/> times the attempt
/// number in between. Each retry runs with <see cref="ReactionContext.ReadFresh"/> set.
/// </summary>
internal sealed class RetryReaction(Reaction inner, int attempts, TimeSpan backoff, Func<Exception, bool> retryable, TimeProvider time) : Reaction
{
    public override string Name => $"Retry({inner.Name}, {attempts})";

    public override async Task<ReactionResult> RunAsync(ReactionContext context, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await inner.RunAsync(context with { Attempt = context.Attempt + attempt }, cancellationToken);
            }
            catch (Exception e) when (attempt + 1 < attempts && retryable(e))
            {
                if (backoff > TimeSpan.Zero)
                {
                    await Task.Delay(backoff * (attempt + 1), time, cancellationToken);
                }
            }
        }
    }
}

/// <summary>Marks a reaction to run concurrently with its siblings in a <see cref="JoinReaction"/>.</summary>
internal sealed class ParallelReaction(Reaction inner) : Reaction
{
    public override string Name => $"Parallel({inner.Name})";

    public override Task<ReactionResult> RunAsync(ReactionContext context, CancellationToken cancellationToken) =>
        Task.Run(() => inner.RunAsync(context, cancellationToken), cancellationToken);
}

/// <summary>
/// One run shared by every branch that includes this reaction: the first caller runs it, later callers
/// (concurrent or not) get the same outcome. A workflow is built per reconcile, so "once" means once per
/// reconcile.
/// </summary>
internal sealed class SharedReaction(Reaction inner) : Reaction
{
    private readonly Lock gate = new();
    private Task<ReactionResult>? run;

    public override string Name => $"Shared({inner.Name})";

    public override Task<ReactionResult> RunAsync(ReactionContext context, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return run ??= inner.RunAsync(context, cancellationToken);
        }
    }
}
