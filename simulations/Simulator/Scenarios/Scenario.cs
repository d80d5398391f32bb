using System.Collections.Immutable;
using RwAutoscaler.Simulator.Model;

namespace RwAutoscaler.Simulator.Scenarios;

/// <summary>A scenario file: a workload, the model calibration, the SLO, the policy and what to compare it with.</summary>
internal sealed record Scenario
{
    public required string Name { get; init; }

    public string Description { get; init; } = "";

    /// <summary>The file it was read from (relative paths in it resolve against its folder), or "" when built in code.</summary>
    public string Source { get; init; } = "";

    /// <summary>The simulated clock at the first step (schedules read it). A Monday, so weekdays line up.</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The model's time step; the policy interval must be a multiple of it.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromSeconds(15);

    public required WorkloadSpec Workload { get; init; }

    public ModelParameters Model { get; init; } = new();

    public required SloSpec Slo { get; init; }

    /// <summary>Our policy for this scenario; null means the one given on the command line or the shipped default.</summary>
    public string? Policy { get; init; }

    /// <summary>Baseline names (hpa, keda, flink, static) or policy files to compare against.</summary>
    public ImmutableArray<string> Compare { get; init; } = [];

    /// <summary>The KEDA baseline's lag target per replica (messages); unset means 30 s of one replica's capacity.</summary>
    public double? KedaLagThreshold { get; init; }

    /// <summary>How far back the signals reach in each observation (more if a policy's window needs it).</summary>
    public TimeSpan SignalWindow { get; init; } = TimeSpan.FromMinutes(30);

    public string ResolvePath(string path) =>
        Path.IsPathRooted(path) || Source.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(Source)) ?? ".", path));
}

/// <summary>
/// The SLO the scores count violations against: barrier latency p99 and source lag in seconds of ingest.
/// A step violates it when either is over its target.
/// </summary>
internal sealed record SloSpec(TimeSpan? BarrierLatency, TimeSpan? LagSeconds)
{
    public bool IsViolated(double barrierLatencySeconds, double lagSeconds) =>
        (BarrierLatency is { } latency && barrierLatencySeconds > latency.TotalSeconds)
        || (LagSeconds is { } lag && lagSeconds > lag.TotalSeconds);
}
