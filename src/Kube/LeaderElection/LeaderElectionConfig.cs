namespace RwAutoscaler.Kube.LeaderElection;

/// <summary>client-go leaderelection.LeaderElectionConfig with its "core clients" defaults (15 s / 10 s / 2 s).</summary>
public sealed record LeaderElectionConfig
{
    /// <summary>client-go JitterFactor: acquire retries wait RetryPeriod * (1 + rand * 1.2).</summary>
    public const double JitterFactor = 1.2;

    /// <summary>Unique per process; controller-runtime uses hostname + "_" + a UUID (<see cref="DefaultIdentity"/>).</summary>
    public required string Identity { get; init; }

    /// <summary>How long non-leaders wait after the last observed change before taking over.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps retrying a renewal before it gives up leadership.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait between attempts.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>On cancellation, the leader gives the lease up (empty holder, 1 s duration) so a successor need not wait.</summary>
    public bool ReleaseOnCancel { get; init; } = true;

    public static string DefaultIdentity() => $"{Environment.MachineName}_{Guid.NewGuid()}";

    /// <summary>client-go NewLeaderElector's checks: LeaseDuration &gt; RenewDeadline &gt; JitterFactor * RetryPeriod &gt; 0.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Identity))
        {
            throw new ArgumentException("leader election: Identity must not be empty");
        }
        if (LeaseDuration <= RenewDeadline)
        {
            throw new ArgumentException($"leader election: LeaseDuration ({LeaseDuration}) must be greater than RenewDeadline ({RenewDeadline})");
        }
        if (RenewDeadline <= RetryPeriod * JitterFactor)
        {
            throw new ArgumentException($"leader election: RenewDeadline ({RenewDeadline}) must be greater than RetryPeriod*JitterFactor ({RetryPeriod * JitterFactor})");
        }
        if (RetryPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException("leader election: RetryPeriod must be positive");
        }
    }
}
