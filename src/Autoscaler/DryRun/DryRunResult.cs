using System.Collections.Immutable;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.DryRun;

/// <summary>A change the policy would have made: when, from what to what, and why.</summary>
public sealed record DryRunDecision(DateTimeOffset Time, int Actual, int From, int To, string Reason);

/// <summary>A stretch of time, start inclusive, end exclusive.</summary>
public sealed record Period(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Duration => End - Start;
}

/// <summary>What one policy would have done to one component over the recording.</summary>
public sealed record ComponentReplay
{
    public required ComponentKey Component { get; init; }

    /// <summary>The replicas the cluster actually had, per step (NaN in gaps).</summary>
    public required double[] Actual { get; init; }

    /// <summary>The replicas the policy would have set, per step (held through gaps).</summary>
    public required int[] Policy { get; init; }

    public required bool[] Gap { get; init; }

    public required ImmutableArray<DryRunDecision> Decisions { get; init; }

    public required double ActualReplicaHours { get; init; }

    public required double PolicyReplicaHours { get; init; }

    /// <summary>Policy minus actual: negative means the policy would have saved replica-hours.</summary>
    public double ReplicaHoursDelta => PolicyReplicaHours - ActualReplicaHours;

    public required ImmutableArray<Period> UnderProvisioned { get; init; }

    public required ImmutableArray<Period> Gaps { get; init; }

    public TimeSpan UnderProvisionedTime => UnderProvisioned.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Duration);
}

/// <summary>One policy replayed over a recording.</summary>
public sealed record DryRunResult(string Policy, string Cluster, DateTimeOffset Start, TimeSpan Step, int Steps, ImmutableArray<ComponentReplay> Components);
