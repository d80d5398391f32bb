namespace RwAutoscaler.Kube.LeaderElection;

/// <summary>client-go resourcelock.LeaderElectionRecord.</summary>
public sealed record LeaderElectionRecord(
    string HolderIdentity, int LeaseDurationSeconds, DateTimeOffset AcquireTime, DateTimeOffset RenewTime, int LeaderTransitions);

/// <summary>
/// client-go resourcelock.Interface: where the record lives. <see cref="UpdateAsync"/> must be
/// conditional on the version last read by <see cref="GetAsync"/>, so that of two racing candidates
/// only one wins.
/// </summary>
public interface ILeaseLock
{
    /// <summary>The record and an opaque rendering of it (to detect changes), or null when there is no lock yet.</summary>
    Task<(LeaderElectionRecord Record, string Raw)?> GetAsync(CancellationToken cancellationToken);

    /// <summary>False when someone else created it first.</summary>
    Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken);

    /// <summary>False when the lock changed since it was read (conflict) or is gone.</summary>
    Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken);

    string Describe { get; }
}
