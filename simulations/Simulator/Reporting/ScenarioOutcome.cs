using RwAutoscaler.Simulator.Running;

namespace RwAutoscaler.Simulator.Reporting;

/// <summary>A scenario's plan and the runs of its policies: what every report is written from.</summary>
internal sealed record ScenarioOutcome(SimulationPlan Plan, IReadOnlyList<RunResult> Runs)
{
    /// <summary>Our policy: the first one of the plan.</summary>
    public RunResult Ours => Runs[0];

    public IEnumerable<RunResult> Baselines => Runs.Skip(1);
}
