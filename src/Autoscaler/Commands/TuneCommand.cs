using RwAutoscaler.Autoscaler.ExternalPolicies;
using System.CommandLine;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Autoscaler.Simulation;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Simulator.Reporting;
using RwAutoscaler.Simulator.Running;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Tuning;
using RwAutoscaler.Simulator.Workloads;
using Spectre.Console;

namespace RwAutoscaler.Autoscaler.Commands;

/// <summary>
/// <c>autoscaler tune</c>: searches a policy's parameters over scenarios on all cores, prints the Pareto front of cost
/// against SLO violations, and writes the best policy (by the space's objective) to a file.
/// </summary>
internal static class TuneCommand
{
    public static Command Create(CliContext cli)
    {
        var scenarios = new Option<FileInfo[]>("--scenario") { Description = "Scenario files to tune against", Required = true, AllowMultipleArgumentsPerToken = true };
        var space = new Option<FileInfo>("--space") { Description = "Search space file: base policy, parameters, objective", Required = true };
        var budget = new Option<int>("--budget") { Description = "Parameter sets to evaluate", Required = true };
        var output = new Option<string?>("--out") { Description = "Where to write the best policy (default: out/tune/<space>.yaml)" };
        var weight = new Option<double?>("--violation-weight") { Description = "The price of violation: 1% of the time with the SLO violated weighs weight/100 of the floor's cost (default: the space's)" };
        var parallelism = new Option<int>("--parallelism") { Description = "Simulations at once: one per core unless told", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("tune", "Search policy parameters against scenarios; print the Pareto front and write the best policy")
        {
            scenarios, space, budget, output, weight, parallelism,
        };
        command.SetAction(result => cli.Run(() =>
        {
            var n = result.GetValue(budget);
            if (n < 1)
            {
                throw new CliError($"--budget: must be at least 1, got {n}");
            }

            var cores = result.GetValue(parallelism);
            if (cores < 1)
            {
                throw new CliError($"--parallelism: must be at least 1, got {cores}");
            }

            var spaceFile = result.GetValue(space)!;
            if (!spaceFile.Exists)
            {
                throw new CliError($"--space: file not found: {spaceFile.FullName}");
            }

            var searchSpace = SearchSpaceParser.ReadFile(spaceFile.FullName, HostPolicies.Replay);
            if (result.GetValue(weight) is { } w)
            {
                if (!double.IsFinite(w) || w < 0)
                {
                    throw new CliError($"--violation-weight: must be a number >= 0, got {w}");
                }

                searchSpace = searchSpace with { ViolationWeight = w };
            }

            var plans = result.GetValue(scenarios)!.Select(file => Plan(file, searchSpace)).ToList();
            var tuner = new Tuner(searchSpace, plans);
            var started = System.Diagnostics.Stopwatch.StartNew();
            TuningResult? tuned = null;
            cli.Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    var task = context.AddTask($"tuning {searchSpace.Parameters.Length} parameters over {plans.Count} scenarios", maxValue: n);
                    tuned = tuner.Run(n, cores, done => task.Value = done);
                });
            started.Stop();

            var path = Path.GetFullPath(result.GetValue(output) ?? Path.Combine("out", "tune", Path.GetFileNameWithoutExtension(spaceFile.Name) + ".yaml"));
            Write(path, YamlWriter.Write(tuner.Tree(tuned!.Best), Header(searchSpace, plans, tuned, n)));
            Print(cli.Console, searchSpace, plans, tuned, started.Elapsed, cores);
            cli.Out.WriteLine($"best policy: {path}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static SimulationPlan Plan(FileInfo file, SearchSpace space)
    {
        if (!file.Exists)
        {
            throw new CliError($"--scenario: file not found: {file.FullName}");
        }

        try
        {
            return SimulationPlan.Create(ScenarioParser.ReadFile(file.FullName), policy: space.BasePath, compare: [], registry: HostPolicies.Replay);
        }
        catch (TraceFormatException e)
        {
            throw new CliError(e.Message, e);
        }
    }

    private static string Header(SearchSpace space, List<SimulationPlan> plans, TuningResult tuned, int budget)
    {
        var best = tuned.Best;
        var lines = new List<string>
        {
            $"Tuned by `autoscaler tune --space {Path.GetFileName(space.Source)} --violation-weight {space.ViolationWeight:0.##} --budget {budget}` from {Path.GetFileName(space.BasePath)},",
            $"over: {string.Join(", ", plans.Select(p => p.Scenario.Name))}.",
            $"Objective (cost / lower bound + {space.ViolationWeight:0.##} x share of time violating the SLO, averaged): {best.Objective:0.###}",
            $"(the base scored {tuned.Base.Objective:0.###}); mean cost {best.MeanCostRatio:0.00}x the lower bound, SLO violated {Format.Percent(best.MeanViolationFraction)} of the time.",
        };
        return string.Join('\n', lines);
    }

    private static void Print(IAnsiConsole console, SearchSpace space, List<SimulationPlan> plans, TuningResult tuned, TimeSpan elapsed, int cores)
    {
        var runs = tuned.Candidates.Count * plans.Count;
        console.MarkupLineInterpolated($"{tuned.Candidates.Count} parameter sets x {plans.Count} scenarios = {runs} simulations in {elapsed.TotalSeconds:0.0}s on {cores} cores");
        console.WriteLine();
        console.MarkupLine("[bold]Pareto front[/] (mean cost / lower bound against mean share of time violating the SLO):");
        var front = new Table().Border(TableBorder.Rounded).AddColumns("candidate", "cost / bound", "SLO violated", "objective");
        foreach (var candidate in tuned.Pareto)
        {
            var mark = ReferenceEquals(candidate, tuned.Best) ? " (best)" : ReferenceEquals(candidate, tuned.Base) ? " (base)" : "";
            front.AddRow(
                Markup.Escape(candidate.Index + mark),
                Format.Ratio(candidate.MeanCostRatio),
                Format.Percent(candidate.MeanViolationFraction),
                Format.Number(candidate.Objective, "0.###"));
        }

        console.Write(front);
        console.WriteLine();
        console.MarkupLine($"[bold]Best[/] (candidate {tuned.Best.Index}, objective {Format.Number(tuned.Best.Objective, "0.###")}; the base scored {Format.Number(tuned.Base.Objective, "0.###")}):");
        var detail = new Table().Border(TableBorder.Rounded).AddColumns("scenario", "base: violated", "base: cost", "best: violated", "best: cost");
        for (var i = 0; i < plans.Count; i++)
        {
            detail.AddRow(
                Markup.Escape(plans[i].Scenario.Name),
                Format.Percent(tuned.Base.Scores[i].ViolationFraction),
                Format.Ratio(tuned.Base.Scores[i].CostRatio),
                Format.Percent(tuned.Best.Scores[i].ViolationFraction),
                Format.Ratio(tuned.Best.Scores[i].CostRatio));
        }

        console.Write(detail);
        var parameters = new Table().Border(TableBorder.Rounded).AddColumns("parameter", "best");
        for (var i = 0; i < space.Parameters.Length; i++)
        {
            parameters.AddRow(Markup.Escape(space.Parameters[i].Path.Text), Markup.Escape(tuned.Best.Values.IsDefaultOrEmpty ? "(as in the base)" : tuned.Best.Values[i]));
        }

        console.Write(parameters);
    }

    private static void Write(string path, string text)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"cannot write {path}: {e.Message}", e);
        }
    }
}
