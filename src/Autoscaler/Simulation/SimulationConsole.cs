using RwAutoscaler.Simulator.Reporting;
using RwAutoscaler.Simulator.Running;
using Spectre.Console;

namespace RwAutoscaler.Autoscaler.Simulation;

/// <summary>What simulate and tune show on the terminal: a progress bar while runs go, then tables.</summary>
internal static class SimulationConsole
{
    /// <summary>Runs every plan (its policies in parallel) under one progress bar per policy.</summary>
    public static List<ScenarioOutcome> RunWithProgress(IAnsiConsole console, IReadOnlyList<SimulationPlan> plans, bool timelines)
    {
        var outcomes = new List<ScenarioOutcome>();
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                foreach (var plan in plans)
                {
                    var tasks = plan.Policies.Select(p => context.AddTask(Markup.Escape($"{plan.Scenario.Name}: {p.Name}"), maxValue: 1)).ToArray();
                    var runs = plan.Run(timelines, (index, fraction) => tasks[index].Value = fraction);
                    outcomes.Add(new ScenarioOutcome(plan, runs));
                }
            });
        return outcomes;
    }

    public static List<ScenarioOutcome> RunQuietly(IReadOnlyList<SimulationPlan> plans, bool timelines) =>
        plans.Select(plan => new ScenarioOutcome(plan, plan.Run(timelines))).ToList();

    public static void WriteSummary(IAnsiConsole console, ScenarioOutcome outcome)
    {
        var plan = outcome.Plan;
        console.WriteLine();
        console.MarkupLineInterpolated($"[bold]{plan.Scenario.Name}[/]: {plan.Scenario.Workload.Describe()}, {Format.Duration(plan.Workload.Duration.TotalSeconds)} simulated, lower bound {Format.Number(plan.Bound.CoreHours, "0")} core-hours");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("policy", "SLO violated", "p99 lat", "max lag", "replica-h", "cost/bound", "rescales", "converge");
        foreach (var column in table.Columns.Skip(1))
        {
            column.RightAligned();
        }

        foreach (var run in outcome.Runs)
        {
            var s = run.Scores;
            var name = ReferenceEquals(run, outcome.Ours) ? $"[bold]{Markup.Escape(run.Policy)}[/]" : Markup.Escape(run.Policy);
            table.AddRow(
                name,
                Markup.Escape($"{Format.Duration(s.ViolationSeconds)} {Format.Percent(s.ViolationFraction)}"),
                Format.Duration(s.P99BarrierLatencySeconds),
                Format.Duration(s.MaxLagSeconds),
                $"{Format.Number(s.ComputeReplicaHours, "0")}+{Format.Number(s.CompactorReplicaHours, "0")}",
                Format.Ratio(s.CostRatio),
                $"{s.ComputeRescales}+{s.CompactorRescales}",
                s.LoadSteps == 0 ? "-" : Markup.Escape(Format.Duration(s.ConvergenceMeanSeconds)));
        }

        console.Write(table);
        console.MarkupLine("[grey]replica-h and rescales: compute+compactor; cost: core-hours over the lower bound; converge: mean time to settle after a load step[/]");
    }
}
