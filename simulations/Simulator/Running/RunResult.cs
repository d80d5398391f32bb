using RwAutoscaler.Simulator.Scoring;

namespace RwAutoscaler.Simulator.Running;

/// <summary>One policy's run through one scenario.</summary>
internal sealed record RunResult(string Policy, Scores Scores, Timeline? Timeline);
