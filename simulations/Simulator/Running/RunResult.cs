using RwAutoscaler.Simulator.Scoring;

namespace RwAutoscaler.Simulator.Running;

/// <summary>One policy's run through one scenario, with every rescale it made.</summary>
internal sealed record RunResult(string Policy, Scores Scores, Timeline? Timeline)
{
    public IReadOnlyList<Rescale> Rescales { get; init; } = [];
}

/// <summary>A rescale the policy made: when, which component, from and to how many replicas, and the engine's reason.</summary>
internal sealed record Rescale(DateTimeOffset Time, Policies.Model.ComponentKind Component, int From, int To, string Reason);
