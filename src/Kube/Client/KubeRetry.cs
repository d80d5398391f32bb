namespace RwAutoscaler.Kube.Client;

/// <summary>client-go retry.RetryOnConflict: re-run a read-modify-write while the server answers 409 Conflict.</summary>
public static class KubeRetry
{
    /// <summary>client-go DefaultRetry: 5 steps, 10 ms apart, jitter 0.1.</summary>
    public static int DefaultSteps => 5;

    /// <summary>
    /// Runs <paramref name="attempt"/> (which must GET afresh, change, and write) until it does not
    /// conflict, up to <paramref name="steps"/> times; the last conflict is rethrown.
    /// </summary>
    public static async Task<T> OnConflictAsync<T>(
        Func<CancellationToken, Task<T>> attempt, TimeProvider? timeProvider = null, int? steps = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var time = timeProvider ?? TimeProvider.System;
        var max = steps ?? DefaultSteps;
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt(cancellationToken);
            }
            catch (KubeApiException e) when (e.IsConflict && i < max)
            {
#pragma warning disable CA5394 // jitter, not security
                var delay = TimeSpan.FromMilliseconds(10 * (1 + (Random.Shared.NextDouble() * 0.1)));
#pragma warning restore CA5394
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    public static Task OnConflictAsync(
        Func<CancellationToken, Task> attempt, TimeProvider? timeProvider = null, int? steps = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return OnConflictAsync(
            async ct =>
            {
                await attempt(ct);
                return true;
            },
            timeProvider,
            steps,
            cancellationToken);
    }
}
