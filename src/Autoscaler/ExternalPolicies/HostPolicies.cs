using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.External;

namespace RwAutoscaler.Autoscaler.ExternalPolicies;

/// <summary>The policy types every host reads specs with: the built-in ones and <c>external</c> over gRPC.</summary>
internal static class HostPolicies
{
    private static readonly Lazy<PolicyRegistry> ReplayRegistry = new(() => Create(new GrpcPolicyConnector(enforceTimeouts: false)));

    /// <summary>For replays (dry-run, evaluate, simulate, tune): external policies are waited for, whatever it takes.</summary>
    public static PolicyRegistry Replay => ReplayRegistry.Value;

    public static PolicyRegistry Create(IExternalPolicyConnector connector) => PolicyRegistry.BuiltIn.With(new ExternalPolicyType(connector));
}
