using RwAutoscaler.Simulator.Frontier;
using RwAutoscaler.Simulator.Running;

namespace RwAutoscaler.Simulator.Reporting;

/// <summary>A scenario's plan, the runs of its policies and its clairvoyant frontier: what every report is written from.</summary>
internal sealed record ScenarioOutcome(SimulationPlan Plan, IReadOnlyList<RunResult> Runs, Frontier.Frontier Frontier)
{
    /// <summary>Our policy: the first one of the plan.</summary>
    public RunResult Ours => Runs[0];

    public IEnumerable<RunResult> Baselines => Runs.Skip(1);

    /// <summary>Our points: the first policy and every other that is not a named baseline (strict, economy).</summary>
    public IEnumerable<RunResult> Points => Runs.Where((r, i) => i == 0 || !Scenarios.Baselines.IsBaseline(r.Policy));

    /// <summary>The named baselines: HPA, KEDA, Flink, static.</summary>
    public IEnumerable<RunResult> NamedBaselines => Runs.Skip(1).Where(r => Scenarios.Baselines.IsBaseline(r.Policy));

    /// <summary>A run's cost over the frontier's at that run's own violation time; null where the frontier has no point as good.</summary>
    public double? FrontierRatio(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Frontier.Ratio(run.Scores.CoreHours, run.Scores.ViolationSeconds);
    }

    /// <summary>The same against the frontier within the compactor rescale limit; null where it was not searched or has no point as good.</summary>
    public double? LimitedFrontierRatio(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Frontier.WithinCompactorLimit?.Frontier.Ratio(run.Scores.CoreHours, run.Scores.ViolationSeconds);
    }

    /// <summary>Runs every policy and the frontier search, one after the other, each in parallel on all cores.</summary>
    public static ScenarioOutcome Of(SimulationPlan plan, bool timelines, Action<int, double>? progress = null, IProgress<double>? frontier = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var runs = plan.Run(timelines, progress);
        return new ScenarioOutcome(plan, runs, FrontierSolver.Solve(plan.Scenario, plan.Workload, plan.Bound, plan.Frontier, frontier));
    }
}
