namespace RwAutoscaler.Simulator.Scoring;

/// <summary>Everything one run is judged by. Costs count every pod that exists, starting or ready.</summary>
internal sealed record Scores
{
    public required string Policy { get; init; }

    /// <summary>Time with barrier latency or lag over its SLO.</summary>
    public required double ViolationSeconds { get; init; }

    public required double ViolationFraction { get; init; }

    public required double P99BarrierLatencySeconds { get; init; }

    public required double MaxLagMessages { get; init; }

    public required double MaxLagSeconds { get; init; }

    public required double ComputeReplicaHours { get; init; }

    public required double CompactorReplicaHours { get; init; }

    /// <summary>Compute and compactor core-hours: the cost.</summary>
    public required double CoreHours { get; init; }

    /// <summary>Cost over the lower bound's cost.</summary>
    public required double CostRatio { get; init; }

    public required int ComputeRescales { get; init; }

    public required int CompactorRescales { get; init; }

    /// <summary>Sudden load changes found in the workload (a 5-minute mean moving by 40% or more).</summary>
    public required int LoadSteps { get; init; }

    /// <summary>Mean time after a load step until replicas held still and the SLO held for 10 minutes; null without steps.</summary>
    public double? ConvergenceMeanSeconds { get; init; }

    public double? ConvergenceMaxSeconds { get; init; }

    /// <summary>Load steps after which the run never settled before the next step or the end.</summary>
    public int Unconverged { get; init; }

    public int Rescales => ComputeRescales + CompactorRescales;
}
