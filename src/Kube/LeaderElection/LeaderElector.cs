using k8s.Autorest;
using k8s.LeaderElection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Kube.LeaderElection;

/// <summary>
/// client-go leaderelection.LeaderElector on an <see cref="ILeaseLock"/>. Non-leaders take over only
/// when the record has not changed for LeaseDuration by their own clock (renewTime from the server is
/// never trusted, so clock skew does not matter); the leader gives up when it cannot renew within
/// RenewDeadline, which is shorter than LeaseDuration, so two candidates never lead at once.
/// </summary>
public sealed partial class LeaderElector
{
    private readonly ILock lockImpl;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private LeaseRecord? observed;
    private string? observedRaw;
    private DateTimeOffset observedTime;

    public LeaderElector(ILock leaseLock, LeaderElectionConfig config, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(leaseLock);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        lockImpl = leaseLock;
        Config = config;
        time = timeProvider ?? TimeProvider.System;
        this.logger = logger ?? NullLogger.Instance;
    }

    public LeaderElectionConfig Config { get; }

    /// <summary>Whether the last observed record names this candidate.</summary>
    public bool IsLeader => observed?.HolderIdentity == Config.Identity;

    /// <summary>The holder of the last observed record ("" when none).</summary>
    public string Leader => observed?.HolderIdentity ?? "";

    /// <summary>
    /// Waits to become leader, runs <paramref name="whileLeading"/> with a token that is cancelled when
    /// leadership is lost (or <paramref name="cancellationToken"/> fires), and returns once it is over.
    /// Returns true when leadership was lost (the caller should exit, as controller-runtime does),
    /// false when cancelled or when the work ended by itself. If the work fails, renewing stops, the
    /// lease is released, and the exception propagates.
    /// </summary>
    public async Task<bool> RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(whileLeading);
        if (!await AcquireAsync(cancellationToken))
        {
            return false;
        }
        LogAcquired(logger, Config.Identity, lockImpl.Describe());

        // Leadership is proven until the last renewal plus the renew deadline, on the injected clock: that is before
        // anyone else may take the lease (renewal plus lease duration), whatever the API server does meanwhile
        // (hangs, 429 with a long Retry-After, 5xx, resets). When the proof runs out, the leader-only work and any
        // attempt in flight are cancelled.
        using var proof = new CancellationTokenSource(Remaining(), time);
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, proof.Token);
        var work = Task.Run(() => whileLeading(leading.Token), CancellationToken.None);
        var renew = RenewAsync(proof, leading.Token);
        var lost = false;
        if (await Task.WhenAny(renew, work) == renew)
        {
            lost = await renew;
        }
        await leading.CancelAsync();
        lost = await renew || lost || (proof.IsCancellationRequested && !cancellationToken.IsCancellationRequested);
        proof.Dispose(); // its timer is not needed past leadership
        try
        {
            await work;
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested)
        {
            // The leader-only work stopped because leadership ended.
        }
        finally
        {
            if (lost)
            {
                LogLost(logger, Config.Identity, lockImpl.Describe());
            }
            else if (Config.ReleaseOnCancel)
            {
                await ReleaseAsync();
            }
        }
        return lost;
    }

    /// <summary>client-go tryAcquireOrRenew, one attempt at "now".</summary>
    internal async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var durationSeconds = (int)Math.Ceiling(Config.LeaseDuration.TotalSeconds);
        var desired = new LeaseRecord(Config.Identity, durationSeconds, now, now, 0);

        // Fast path: the leader renews the record it holds without reading it first.
        if (IsLeader && observedTime + Config.LeaseDuration > now)
        {
            var renewal = desired with { AcquireTime = observed!.AcquireTime, LeaderTransitions = observed.LeaderTransitions };
            if (await lockImpl.UpdateAsync(renewal.ToLibrary(), cancellationToken))
            {
                SetObserved(renewal, null, now);
                return true;
            }
        }

        var current = await GetAsync(cancellationToken);
        if (current is null)
        {
            if (!await lockImpl.CreateAsync(desired.ToLibrary(), cancellationToken))
            {
                return false;
            }
            SetObserved(desired, null, now);
            return true;
        }

        var (record, raw) = current.Value;
        if (raw != observedRaw)
        {
            SetObserved(record, raw, now);
        }
        var heldByOther = record.HolderIdentity.Length > 0 && record.HolderIdentity != Config.Identity;
        if (heldByOther && observedTime + TimeSpan.FromSeconds(record.LeaseDurationSeconds) > now)
        {
            return false;
        }
        desired = record.HolderIdentity == Config.Identity
            ? desired with { AcquireTime = record.AcquireTime, LeaderTransitions = record.LeaderTransitions }
            : desired with { LeaderTransitions = record.LeaderTransitions + 1 };
        if (!await lockImpl.UpdateAsync(desired.ToLibrary(), cancellationToken))
        {
            return false;
        }
        SetObserved(desired, null, now);
        return true;
    }

    private async Task<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await AttemptAsync(cancellationToken))
            {
                return true;
            }
#pragma warning disable CA5394 // jitter, not security
            var wait = Config.RetryPeriod * (1 + (Random.Shared.NextDouble() * LeaderElectionConfig.JitterFactor));
#pragma warning restore CA5394
            try
            {
                await Task.Delay(wait, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>How long the last successful write of our record proves leadership (zero or less: not at all).</summary>
    private TimeSpan Remaining() => TimeSpan.FromTicks(Math.Max(0, (observedTime + Config.RenewDeadline - time.GetUtcNow()).Ticks));

    /// <summary>
    /// Renews every RetryPeriod and extends the proof after each renewal; a round that cannot succeed within
    /// RenewDeadline, or a proof that runs out, loses leadership (returns true).
    /// </summary>
    private async Task<bool> RenewAsync(CancellationTokenSource proof, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await Task.Delay(Config.RetryPeriod, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return proof.IsCancellationRequested;
            }
            var roundStart = time.GetUtcNow();
            while (!await AttemptAsync(cancellationToken))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return proof.IsCancellationRequested;
                }
                if (time.GetUtcNow() - roundStart + Config.RetryPeriod > Config.RenewDeadline)
                {
                    return true;
                }
                try
                {
                    await Task.Delay(Config.RetryPeriod, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return proof.IsCancellationRequested;
                }
            }

            if (!proof.IsCancellationRequested)
            {
                proof.CancelAfter(Remaining());
            }
        }
    }

    /// <summary>One try; while leading, the proof's token bounds it, so a hung call cannot outlive the lease.</summary>
    private async Task<bool> AttemptAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await TryAcquireOrRenewAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is KubeApiException or HttpOperationException or HttpRequestException or TimeoutException or IOException)
        {
            LogAttemptFailed(logger, lockImpl.Describe(), e.Message);
            return false;
        }
    }

    private async Task ReleaseAsync()
    {
        if (!IsLeader)
        {
            return;
        }
        var now = time.GetUtcNow();
        var released = new LeaseRecord("", 1, now, now, observed!.LeaderTransitions);
        try
        {
            using var timeout = new CancellationTokenSource(Config.RenewDeadline);
            if (await lockImpl.UpdateAsync(released.ToLibrary(), timeout.Token))
            {
                SetObserved(released, null, now);
            }
        }
        catch (Exception e) when (e is KubeApiException or HttpOperationException or HttpRequestException or OperationCanceledException or IOException)
        {
            LogAttemptFailed(logger, lockImpl.Describe(), e.Message);
        }
    }

    /// <summary>The record and a rendering of it (to notice a change), or null when there is no lease yet.</summary>
    private async Task<(LeaseRecord Record, string Raw)?> GetAsync(CancellationToken cancellationToken)
    {
        LeaderElectionRecord record;
        try
        {
            record = await lockImpl.GetAsync(cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        var read = LeaseRecord.From(record);
        return (read, read.ToString());
    }

    private void SetObserved(LeaseRecord record, string? raw, DateTimeOffset at)
    {
        observed = record;
        observedRaw = raw;
        observedTime = at;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} became leader on {Lock}")]
    private static partial void LogAcquired(ILogger logger, string identity, string @lock);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} lost leadership on {Lock}")]
    private static partial void LogLost(ILogger logger, string identity, string @lock);

    [LoggerMessage(Level = LogLevel.Debug, Message = "leader election on {Lock}: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string @lock, string error);
}

/// <summary>client-go resourcelock.LeaderElectionRecord, immutable, in the elector's own clock's type.</summary>
internal sealed record LeaseRecord(string HolderIdentity, int LeaseDurationSeconds, DateTimeOffset AcquireTime, DateTimeOffset RenewTime, int LeaderTransitions)
{
    public static LeaseRecord From(LeaderElectionRecord record) => new(
        record.HolderIdentity ?? "",
        record.LeaseDurationSeconds,
        Utc(record.AcquireTime),
        Utc(record.RenewTime),
        record.LeaderTransitions);

    public LeaderElectionRecord ToLibrary() => new()
    {
        HolderIdentity = HolderIdentity,
        LeaseDurationSeconds = LeaseDurationSeconds,
        AcquireTime = MicroTime.ForClient(AcquireTime),
        RenewTime = MicroTime.ForClient(RenewTime),
        LeaderTransitions = LeaderTransitions,
    };

    private static DateTimeOffset Utc(DateTime? time) =>
        time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t, DateTimeKind.Utc)) : DateTimeOffset.MinValue;
}
