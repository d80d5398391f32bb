using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.BuiltIn;

/// <summary><c>fixed</c>: always proposes the same count. With <c>combine: max</c> it acts as a floor.</summary>
public sealed record FixedPolicySpec : PolicySpec
{
    public required int Replicas { get; init; }
}

internal sealed class FixedPolicyType : IPolicyType
{
    public string Type => "fixed";

    public string Summary => "always the same count; with combine: max, a floor";

    public PolicySpec? Parse(ConfigMapReader fields, ComponentKind component) =>
        fields.RequiredInteger("replicas", 0, 10_000) is { } replicas ? new FixedPolicySpec { Type = Type, Replicas = replicas } : null;

    public IScalingPolicy Create(PolicySpec spec) => new FixedPolicy((FixedPolicySpec)spec);
}

internal sealed class FixedPolicy(FixedPolicySpec spec) : IScalingPolicy
{
    private static readonly ExplanationTemplate Fixed = new("fixed at {0}", "replicas");

    public string Name { get; } = spec.DisplayName;

    public Proposal Propose(in PolicyContext context) => new()
    {
        Policy = Name,
        Kind = ProposalKind.Replicas,
        Replicas = spec.Replicas,
        Template = Fixed,
        Numbers = new Numbers(spec.Replicas),
    };
}
