using RwAutoscaler.Autoscaler.ExternalPolicies;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Autoscaler.Simulation;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Simulator.Frontier;
using RwAutoscaler.Simulator.Reporting;
using RwAutoscaler.Simulator.Running;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Workloads;

namespace RwAutoscaler.Autoscaler.Commands;

/// <summary>
/// <c>autoscaler simulate</c>: replays scenarios through the cluster model with our policy and the baselines,
/// prints the scores and writes an HTML report per scenario.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext cli)
    {
        var scenarios = new Option<FileInfo[]>("--scenario")
        {
            Description = $"Scenario file(s), YAML (default: {ShippedFiles.DefaultScenario})",
            AllowMultipleArgumentsPerToken = true,
        };
        var trace = new Option<FileInfo?>("--trace") { Description = "Replay this trace file instead of the scenario's (timestamp,value / second|count / one row per arrival)" };
        var policy = new Option<FileInfo?>("--policy") { Description = "Policy spec to test instead of the scenario's" };
        var compare = new Option<string?>("--compare") { Description = "Comma-separated baselines (hpa,keda,flink,static) or policy files; default: the scenario's list" };
        var report = new Option<string?>("--report") { Description = "HTML report file (a folder when several scenarios run); default: out/simulate/<scenario>.html" };
        var json = new Option<bool>("--json") { Description = "Print every score of every policy as JSON instead of tables" };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Write the results table into this Markdown file (between its results markers)" };
        var compactorLimit = new Option<string?>("--compactor-limit")
        {
            Description = "Also search the clairvoyant frontier within this many compactor rescales per hour (a second curve; the frontier search takes about twice as long)",
        };
        var frontierPrices = new Option<string?>("--frontier-prices")
        {
            Description = "Prices of violation the frontier search sweeps: 0 and this many minus one from 4 to 4,096 core-seconds per second violated, evenly on a log scale (default: the 14 of docs/simulator.md); more find more corners of the curve, and take longer",
        };
        var command = new Command("simulate", "Replay a workload through a RisingWave cluster model with a policy and the baselines, and score them")
        {
            scenarios, trace, policy, compare, report, json, markdown, compactorLimit, frontierPrices,
        };
        command.SetAction(result => cli.Run(() =>
        {
            var files = result.GetValue(scenarios) is { Length: > 0 } given ? given.Select(f => f.FullName).ToArray() : [ShippedFiles.Find(ShippedFiles.DefaultScenario)];
            // Files named on the command line are the user's, from the current directory (a scenario's own list is
            // relative to the scenario's folder).
            var comparison = result.GetValue(compare)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(c => Baselines.IsBaseline(c) ? c
                    : File.Exists(c) ? Path.GetFullPath(c)
                    : throw new CliError($"--compare: '{c}' is neither a baseline (hpa, keda, flink, static) nor an existing policy file"))
                .ToArray();
            var limit = CompactorLimit(result.GetValue(compactorLimit));
            var prices = PriceCount(result.GetValue(frontierPrices));
            var frontier = new FrontierOptions { CompactorRescaleLimit = limit };
            frontier = prices is { } count ? frontier with { Prices = FrontierOptions.LogLadder(count) } : frontier;
            var plans = files.Select(file => Plan(file, result.GetValue(trace), result.GetValue(policy), comparison) with { Frontier = frontier }).ToList();
            var asJson = result.GetValue(json);
            var reportPath = result.GetValue(report);
            var writeReports = !asJson || reportPath is not null;
            var outcomes = asJson
                ? SimulationConsole.RunQuietly(plans, writeReports)
                : SimulationConsole.RunWithProgress(cli.Console, plans, writeReports);

            if (asJson)
            {
                using var stream = new MemoryStream();
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    JsonReport.Write(writer, outcomes);
                }

                cli.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            }
            else
            {
                foreach (var outcome in outcomes)
                {
                    SimulationConsole.WriteSummary(cli.Console, outcome);
                }
            }

            if (writeReports)
            {
                foreach (var outcome in outcomes)
                {
                    var path = ReportPath(reportPath, outcome.Plan.Scenario.Name, outcomes.Count);
                    Write(path, HtmlReport.Render(outcome));
                    (asJson ? cli.Error : cli.Out).WriteLine($"report: {path}");
                }
            }

            if (result.GetValue(markdown) is { } md)
            {
                var text = File.Exists(md.FullName) ? File.ReadAllText(md.FullName) : "";
                Write(md.FullName, ResultsTable.Update(text, outcomes, Regenerate(files, result.GetValue(trace), result.GetValue(policy), result.GetValue(compare), limit, prices, md)));
                (asJson ? cli.Error : cli.Out).WriteLine($"results table: {md.FullName}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static SimulationPlan Plan(string file, FileInfo? trace, FileInfo? policy, string[]? compare)
    {
        if (!File.Exists(file))
        {
            throw new CliError($"--scenario: file not found: {file}");
        }

        if (trace is not null && !trace.Exists)
        {
            throw new CliError($"--trace: file not found: {trace.FullName}");
        }

        if (policy is not null && !policy.Exists)
        {
            throw new CliError($"--policy: file not found: {policy.FullName}");
        }

        try
        {
            return SimulationPlan.Create(ScenarioParser.ReadFile(file), trace?.FullName, policy?.FullName, compare, HostPolicies.Replay);
        }
        catch (TraceFormatException e)
        {
            throw new CliError(e.Message, e);
        }
    }

    private static double? CompactorLimit(string? text) =>
        text is null ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var limit) && double.IsFinite(limit) && limit >= 0 ? limit
        : throw new CliError($"--compactor-limit: expected a number of compactor rescales per hour >= 0, such as 1 or 0.5, got '{text}'");

    private static int? PriceCount(string? text) =>
        text is null ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 3 and <= 200 ? count
        : throw new CliError($"--frontier-prices: expected a whole number of prices from 3 to 200, such as 50, got '{text}'");

    /// <summary>The command that regenerates a results table, with paths relative to the current folder.</summary>
    private static string Regenerate(string[] scenarios, FileInfo? trace, FileInfo? policy, string? compare, double? compactorLimit, int? frontierPrices, FileInfo markdown)
    {
        static string Relative(string path) => Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        var folders = scenarios.Select(Path.GetDirectoryName).Distinct().ToList();
        var all = folders.Count == 1 && Directory.GetFiles(folders[0]!, "*.yaml").Order().SequenceEqual(scenarios.Select(Path.GetFullPath).Order());
        var scenarioArgument = all ? Path.Combine(Relative(folders[0]!), "*.yaml") : string.Join(' ', scenarios.Select(Relative));
        var command = $"dotnet run -c Release --project src/Autoscaler -- simulate --scenario {scenarioArgument}";
        command += trace is null ? "" : $" --trace {Relative(trace.FullName)}";
        command += policy is null ? "" : $" --policy {Relative(policy.FullName)}";
        command += compare is null ? "" : $" --compare {compare}";
        command += compactorLimit is null ? "" : string.Create(CultureInfo.InvariantCulture, $" --compactor-limit {compactorLimit}");
        command += frontierPrices is null ? "" : string.Create(CultureInfo.InvariantCulture, $" --frontier-prices {frontierPrices}");
        return command + $" --markdown {Relative(markdown.FullName)}";
    }

    private static string ReportPath(string? given, string scenario, int scenarios)
    {
        if (given is null)
        {
            return Path.GetFullPath(Path.Combine("out", "simulate", scenario + ".html"));
        }

        return scenarios > 1 || Directory.Exists(given) ? Path.GetFullPath(Path.Combine(given, scenario + ".html")) : Path.GetFullPath(given);
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
