using System.Collections.Concurrent;
using RwAutoscaler.Policies.External;

namespace RwAutoscaler.Autoscaler.ExternalPolicies;

/// <summary>
/// The hosts' connector to external policies: one gRPC client per endpoint and settings, shared by every autoscaler
/// that names it, so that its concurrency bound holds for the whole daemon. The daemon enforces each policy's timeout;
/// replays (dry-run, evaluate, simulate, tune) wait for the answer, so that a slow service slows them and never changes
/// their decisions.
/// </summary>
internal sealed class GrpcPolicyConnector(bool enforceTimeouts) : IExternalPolicyConnector, IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcExternalPolicyClient> _clients = new(StringComparer.Ordinal);

    public IExternalPolicyClient Connect(ExternalPolicySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var key = string.Join('|', spec.Endpoint, spec.BearerTokenFile, spec.CaFile, spec.MaxConcurrency, spec.Timeout.Ticks);
        return _clients.GetOrAdd(key, _ => new GrpcExternalPolicyClient(spec, enforceTimeouts ? spec.Timeout : null));
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }
}
