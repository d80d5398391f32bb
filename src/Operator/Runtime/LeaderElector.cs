using Microsoft.Extensions.Logging;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Operator.Runtime;

internal sealed record LeaderElectionOptions
{
    public required string Namespace { get; init; }

    public string LeaseName { get; init; } = "rw-operator";

    /// <summary>controller-runtime's identity: hostname, underscore, a UUID.</summary>
    public string Identity { get; init; } = $"{Environment.MachineName}_{Guid.NewGuid()}";

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// client-go's Lease-based leader election (tools/leaderelection): acquire by creating or taking over an
/// expired lease with the GET's resourceVersion (the 409 picks one winner), renew every retry period, and
/// count the lease lost when renewal has not succeeded within the renew deadline. Expiry is judged by the
/// local clock from when the record last changed, never by the holder's renewTime. Stand-in until
/// src/Kube ships leader election (issue 4).
/// </summary>
internal sealed class LeaderElector(KubernetesClient client, LeaderElectionOptions options, TimeProvider time, ILogger<LeaderElector> logger)
{
    private string? observedRecord;
    private DateTimeOffset observedAt;

    public string Identity => options.Identity;

    /// <summary>
    /// Waits for the lease, runs <paramref name="lead"/> while holding it, and returns when the lease is
    /// lost (true) or <paramref name="cancellationToken"/> is cancelled (false, the lease is released).
    /// </summary>
    public async Task<bool> RunAsync(Func<CancellationToken, Task> lead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lead);
        while (!await TryAcquireOrRenewAsync(cancellationToken))
        {
            await Task.Delay(Jitter(options.RetryPeriod), time, cancellationToken);
        }

        logger.LogInformation("Acquired lease {Namespace}/{Lease} as {Identity}", options.Namespace, options.LeaseName, options.Identity);
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = lead(leading.Token);
        var lost = await RenewUntilLostAsync(leading.Token);
        await leading.CancelAsync();
        try
        {
            await work;
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested)
        {
            // The work stops with the lease.
        }

        if (lost)
        {
            logger.LogError("Lost lease {Namespace}/{Lease}", options.Namespace, options.LeaseName);
            return true;
        }

        await ReleaseAsync();
        return false;
    }

    private async Task<bool> RenewUntilLostAsync(CancellationToken cancellationToken)
    {
        var lastRenew = time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.RetryPeriod, time, cancellationToken);
                if (await TryAcquireOrRenewAsync(cancellationToken))
                {
                    lastRenew = time.GetUtcNow();
                    continue;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or TimeoutException)
            {
                logger.LogWarning("Renewing lease {Lease} failed: {Error}", options.LeaseName, e.Message);
            }

            if (time.GetUtcNow() - lastRenew > options.RenewDeadline)
            {
                return true;
            }
        }

        return false;
    }

    internal async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var leases = client.Resource<Lease>();
        var now = time.GetUtcNow();
        var seconds = (int)options.LeaseDuration.TotalSeconds;
        var existing = await leases.GetOrNullAsync(options.Namespace, options.LeaseName, cancellationToken);
        if (existing is null)
        {
            try
            {
                await leases.CreateAsync(new Lease
                {
                    Metadata = new ObjectMeta { Name = options.LeaseName, Namespace = options.Namespace },
                    Spec = new LeaseSpec { HolderIdentity = options.Identity, LeaseDurationSeconds = seconds, AcquireTime = now, RenewTime = now, LeaseTransitions = 0 },
                }, options.Namespace, cancellationToken);
                Observe(options.Identity, now, now);
                return true;
            }
            catch (KubeApiException e) when (e.IsAlreadyExists)
            {
                return false;
            }
        }

        var spec = existing.Spec ?? new LeaseSpec();
        Observe(spec.HolderIdentity, spec.RenewTime, now);
        var mine = spec.HolderIdentity == options.Identity;
        var duration = TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? seconds);
        if (!mine && !string.IsNullOrEmpty(spec.HolderIdentity) && observedAt + duration > now)
        {
            return false;
        }

        try
        {
            await leases.ReplaceAsync(existing with
            {
                Spec = spec with
                {
                    HolderIdentity = options.Identity,
                    LeaseDurationSeconds = seconds,
                    AcquireTime = mine ? spec.AcquireTime ?? now : now,
                    RenewTime = now,
                    LeaseTransitions = mine ? spec.LeaseTransitions ?? 0 : (spec.LeaseTransitions ?? 0) + 1,
                },
            }, cancellationToken);
            return true;
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            return false;
        }
    }

    /// <summary>Hands the lease over at once (ReleaseOnCancel): empty holder, one-second duration.</summary>
    private async Task ReleaseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(options.RenewDeadline);
            var leases = client.Resource<Lease>();
            var existing = await leases.GetOrNullAsync(options.Namespace, options.LeaseName, timeout.Token);
            if (existing?.Spec?.HolderIdentity == options.Identity)
            {
                await leases.ReplaceAsync(existing with { Spec = existing.Spec with { HolderIdentity = "", LeaseDurationSeconds = 1 } }, timeout.Token);
            }
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or OperationCanceledException)
        {
            logger.LogWarning("Releasing lease {Lease} failed: {Error}", options.LeaseName, e.Message);
        }
    }

    /// <summary>Records when the lease record was last seen to change, by our clock.</summary>
    private void Observe(string? holder, DateTimeOffset? renewTime, DateTimeOffset now)
    {
        var record = $"{holder}|{renewTime?.UtcTicks}";
        if (record != observedRecord)
        {
            observedRecord = record;
            observedAt = now;
        }
    }

    private static TimeSpan Jitter(TimeSpan period) => period * (1 + (Random.Shared.NextDouble() * 0.2));
}
