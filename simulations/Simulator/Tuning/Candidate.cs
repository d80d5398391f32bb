using System.Collections.Immutable;
using RwAutoscaler.Simulator.Scoring;

namespace RwAutoscaler.Simulator.Tuning;

/// <summary>One evaluated parameter set: its values, its scores per scenario and the aggregates the search ranks by.</summary>
internal sealed record Candidate
{
    public required int Index { get; init; }

    /// <summary>Each parameter's position in its range, [0, 1).</summary>
    public required ImmutableArray<double> Units { get; init; }

    /// <summary>Each parameter's value as written in the file.</summary>
    public required ImmutableArray<string> Values { get; init; }

    public required ImmutableArray<Scores> Scores { get; init; }

    public required double MeanCostRatio { get; init; }

    public required double MeanViolationFraction { get; init; }

    public required double Objective { get; init; }

    /// <summary>False when it breaks a constraint of the space (the compactor rescale limit).</summary>
    public bool Feasible { get; init; } = true;

    /// <summary>True when no other candidate is at least as good on cost and violations and better on one.</summary>
    public bool Dominates(Candidate other) =>
        MeanCostRatio <= other.MeanCostRatio && MeanViolationFraction <= other.MeanViolationFraction
        && (MeanCostRatio < other.MeanCostRatio || MeanViolationFraction < other.MeanViolationFraction);
}

/// <summary>What a search found: every candidate, the Pareto front (cost vs violations), the best by objective.</summary>
internal sealed record TuningResult(IReadOnlyList<Candidate> Candidates, IReadOnlyList<Candidate> Pareto, Candidate Best, Candidate Base)
{
    public static IReadOnlyList<Candidate> Front(IReadOnlyList<Candidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);

        // Within the constraints when any candidate is: a front of policies one may not use says nothing.
        var usable = candidates.Any(c => c.Feasible) ? candidates.Where(c => c.Feasible).ToList() : candidates;
        return usable
            .Where(c => double.IsFinite(c.Objective) && !usable.Any(other => other.Dominates(c)))
            .GroupBy(c => (c.MeanCostRatio, c.MeanViolationFraction))
            .Select(g => g.First())
            .OrderBy(c => c.MeanCostRatio)
            .ToList();
    }
}
