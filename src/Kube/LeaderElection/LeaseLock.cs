using System.Text.Json;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.LeaderElection;

/// <summary>
/// client-go LeaseLock: the record is a coordination.k8s.io/v1 Lease; updates PUT the Lease last
/// fetched, with its resourceVersion, so a 409 Conflict decides between racing candidates.
/// </summary>
public sealed class LeaseLock(KubernetesClient client, string ns, string name) : ILeaseLock
{
    private readonly ResourceClient<Lease> leases = client.Resource<Lease>();
    private Lease? last;

    public string Describe => $"{ns}/{name}";

    public async Task<(LeaderElectionRecord Record, string Raw)?> GetAsync(CancellationToken cancellationToken)
    {
        var lease = await leases.GetOrNullAsync(ns, name, cancellationToken);
        last = lease;
        if (lease is null)
        {
            return null;
        }
        var spec = lease.Spec ?? new LeaseSpec();
        var record = new LeaderElectionRecord(
            spec.HolderIdentity ?? "",
            spec.LeaseDurationSeconds ?? 0,
            spec.AcquireTime ?? DateTimeOffset.MinValue,
            spec.RenewTime ?? DateTimeOffset.MinValue,
            spec.LeaseTransitions ?? 0);
        return (record, JsonSerializer.Serialize(spec, KubeJsonContext.Default.Options.GetTypeInfo(typeof(LeaseSpec))));
    }

    public async Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            last = await leases.CreateAsync(new Lease { Metadata = new ObjectMeta { Name = name, Namespace = ns }, Spec = ToSpec(record) }, ns, cancellationToken);
            return true;
        }
        catch (KubeApiException e) when (e.IsAlreadyExists || e.IsConflict)
        {
            return false;
        }
    }

    public async Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (last is null)
        {
            return false;
        }
        try
        {
            last = await leases.ReplaceAsync(last with { Spec = ToSpec(record) }, cancellationToken);
            return true;
        }
        catch (KubeApiException e) when (e.IsConflict || e.IsNotFound)
        {
            return false;
        }
    }

    private static LeaseSpec ToSpec(LeaderElectionRecord r) => new()
    {
        HolderIdentity = r.HolderIdentity,
        LeaseDurationSeconds = r.LeaseDurationSeconds,
        AcquireTime = r.AcquireTime,
        RenewTime = r.RenewTime,
        LeaseTransitions = r.LeaderTransitions,
    };
}
