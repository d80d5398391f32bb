using RwAutoscaler.Autoscaler.Cli;
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
                    var frontier = context.AddTask(Markup.Escape($"{plan.Scenario.Name}: clairvoyant frontier"), maxValue: 1);
                    outcomes.Add(ScenarioOutcome.Of(plan, timelines, (index, fraction) => tasks[index].Value = fraction, new Progress<double>(f => frontier.Value = f)));
                }
            });
        return outcomes;
    }

    public static List<ScenarioOutcome> RunQuietly(IReadOnlyList<SimulationPlan> plans, bool timelines) =>
        plans.Select(plan => ScenarioOutcome.Of(plan, timelines)).ToList();

    public static void WriteSummary(IAnsiConsole console, ScenarioOutcome outcome)
    {
        var plan = outcome.Plan;
        console.WriteLine();
        console.MarkupLineInterpolated($"[bold]{plan.Scenario.Name}[/]: {plan.Scenario.Workload.Describe()}, {Format.Duration(plan.Workload.Duration.TotalSeconds)} simulated, lower bound {Format.Number(plan.Bound.CoreHours, "0")} core-hours");
        var table = new FittedTable(
            new("policy", RightAligned: false), new("SLO violated", "SLO\nviolated"), new("p99 lat", "p99\nlat"), new("max lag", "max\nlag"),
            new("replica-h"), new("cost/frontier", "cost/\nfrontier"), new("cost/floor", "cost/\nfloor"), new("rescales/h", "rescales\n/h"),
            new("converge"));

        var hours = Math.Max(plan.Workload.Duration.TotalHours, 1e-9);
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
                outcome.FrontierRatio(run) is { } ratio ? Format.Ratio(ratio) : "-",
                Format.Ratio(s.CostRatio),
                $"{Format.Number(s.ComputeRescales / hours, "0.#")}+{Format.Number(s.CompactorRescales / hours, "0.#")}",
                s.LoadSteps == 0 ? "-" : Markup.Escape(Format.Duration(s.ConvergenceMeanSeconds)));
        }

        table.Write(console);
        var frontier = outcome.Frontier;
        console.MarkupLine(Markup.Escape($"clairvoyant frontier: {frontier.Points.Count} points, from {Format.Duration(frontier.Points[0].ViolationSeconds)} violated at {Format.Number(frontier.Points[0].CoreHours, "0")} core-hours to {Format.Duration(frontier.Points[^1].ViolationSeconds)} at {Format.Number(frontier.Points[^1].CoreHours, "0")} ({Format.Duration(frontier.Elapsed.TotalSeconds)} to find)"));
        if (frontier.WithinCompactorLimit is { } limited)
        {
            var ratios = outcome.Runs.Select(r => $"{r.Policy} {(outcome.LimitedFrontierRatio(r) is { } x ? Format.Ratio(x) : "-")}");
            console.MarkupLine(Markup.Escape($"within {Format.Number(limited.CompactorRescalesPerHour, "0.##")} compactor rescales/h: {limited.Frontier.Points.Count} points; cost over it at each policy's violation: {string.Join(", ", ratios)}"));
        }

        console.MarkupLine("[grey]replica-h and rescales per hour: compute+compactor; cost/frontier: core-hours over the cheapest clairvoyant schedule with as much violation (- where none violates as little); cost/floor: over the free-rescale floor; converge: mean time to settle after a load step[/]");
    }
}
