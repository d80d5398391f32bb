using System.Collections.Immutable;
using RwAutoscaler.Policies.BuiltIn;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Engine;

/// <summary>A kind of policy: how its spec is read and how an instance is made from it.</summary>
public interface IPolicyType
{
    /// <summary>The value of <c>type:</c> in the spec.</summary>
    string Type { get; }

    /// <summary>One line on what it does, for <c>autoscaler policies</c>.</summary>
    string Summary => "";

    /// <summary>Reads the policy's fields (type and name are already read); records errors and returns null on failure.</summary>
    PolicySpec? Parse(ConfigMapReader fields, ComponentKind component);

    IScalingPolicy Create(PolicySpec spec);
}

/// <summary>
/// The policy types a spec may use. Built-in types are registered by default; a host can add its own, which
/// is how policies are plugged in.
/// </summary>
public sealed class PolicyRegistry
{
    private readonly ImmutableDictionary<string, IPolicyType> _types;

    private PolicyRegistry(ImmutableDictionary<string, IPolicyType> types) => _types = types;

    public static PolicyRegistry BuiltIn { get; } = new PolicyRegistry(ImmutableDictionary<string, IPolicyType>.Empty)
        .With(new UtilizationPolicyType())
        .With(new ThroughputPolicyType())
        .With(new LatencyGuardPolicyType())
        .With(new CompactionPolicyType())
        .With(new SchedulePolicyType())
        .With(new FixedPolicyType())
        .With(new PredictivePolicyType());

    public IEnumerable<string> Types => _types.Keys.Order(StringComparer.Ordinal);

    public PolicyRegistry With(IPolicyType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new PolicyRegistry(_types.SetItem(type.Type, type));
    }

    public IEnumerable<IPolicyType> All => _types.Values.OrderBy(t => t.Type, StringComparer.Ordinal);

    public bool TryGet(string type, out IPolicyType policyType) => _types.TryGetValue(type, out policyType!);

    public IScalingPolicy Create(PolicySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.ParsedBy is { } parsedBy ? parsedBy.Create(spec)
            : _types.TryGetValue(spec.Type, out var type) ? type.Create(spec)
            : throw new InvalidOperationException($"no policy type '{spec.Type}' is registered");
    }
}
