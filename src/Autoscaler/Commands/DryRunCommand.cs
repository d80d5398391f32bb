using System.CommandLine;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Autoscaler.DryRun;
using RwAutoscaler.Autoscaler.Recording;
using RwAutoscaler.Policies.Configuration;
using Spectre.Console;

namespace RwAutoscaler.Autoscaler.Commands;

/// <summary><c>autoscaler dry-run</c>: what a policy would have done on a cluster's recorded past.</summary>
internal static class DryRunCommand
{
    public static Command Create(CliContext cli, TimeProvider time)
    {
        var recording = new Option<FileInfo?>("--recording") { Description = "A recording made by 'autoscaler record' (or give --prometheus and a range)" };
        var range = new RangeFlags();
        var policy = new Option<FileInfo>("--policy") { Description = "The policy spec to replay (YAML or JSON)", Required = true };
        var compare = new Option<FileInfo[]>("--compare") { Description = "More policy specs to replay side by side", AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "Print every figure and decision as JSON" };
        var report = new Option<FileInfo?>("--report") { Description = "Write a self-contained HTML report with the charts" };

        var command = new Command("dry-run", "Replay recorded metrics through a policy and show what it would have done")
        {
            recording, policy, compare, json, report,
        };
        range.AddTo(command);
        command.SetAction((result, cancellationToken) => cli.RunAsync(async () =>
        {
            var file = result.GetValue(recording);
            if (file is null == !range.Given(result))
            {
                throw new CliError("give either --recording FILE or --prometheus URL with --cluster and --start (not both)");
            }

            // Policies first: a bad policy file should not wait for a long fetch from Prometheus.
            var files = new[] { result.GetValue(policy)! }.Concat(result.GetValue(compare) ?? []).ToList();
            var specs = files.Select((f, i) => (Name: Path.GetFileNameWithoutExtension(f.Name), Spec: InputFiles.Policy(f, i == 0 ? "--policy" : "--compare"))).ToList();
            var recorded = file is not null ? Load(file) : await range.RecordAsync(result, cli, time, quiet: result.GetValue(json), CustomSignals(specs), cancellationToken);
            var results = Replay(cli, recorded, specs, quiet: result.GetValue(json));
            if (result.GetValue(report) is { } page)
            {
                WriteReport(page, recorded, results);
            }

            if (result.GetValue(json))
            {
                DryRunOutput.WriteJson(cli.Out, recorded, results);
            }
            else
            {
                DryRunOutput.WriteTable(cli.Console, recorded, results);
                if (result.GetValue(report) is { } written)
                {
                    cli.Console.MarkupLineInterpolated($"report: {written.FullName}");
                }
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Every custom signal the specs define, once; one name defined two ways cannot be recorded once for both.</summary>
    private static List<CustomSignalSpec> CustomSignals(List<(string Name, AutoscalingSpec Spec)> specs)
    {
        var signals = new Dictionary<string, (CustomSignalSpec Signal, string Spec)>(StringComparer.Ordinal);
        foreach (var (name, spec) in specs)
        {
            foreach (var signal in spec.Signals)
            {
                if (signals.TryGetValue(signal.Name, out var seen) && seen.Signal != signal)
                {
                    throw new CliError($"--compare: {name} defines signal '{signal.Name}' with another query than {seen.Spec}; give it another name in one of them");
                }

                signals[signal.Name] = (signal, name);
            }
        }

        return [.. signals.Values.Select(s => s.Signal)];
    }

    private static void WriteReport(FileInfo page, Recording.Recording recorded, List<DryRunResult> results)
    {
        try
        {
            page.Directory?.Create();
            File.WriteAllText(page.FullName, DryRunHtmlReport.Render(recorded, results));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"--report: cannot write {page.FullName}: {e.Message}", e);
        }
    }

    internal static Recording.Recording Load(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliError($"--recording: file not found: {file.FullName}");
        }

        try
        {
            return RecordingFile.Read(file.FullName);
        }
        catch (RecordingFormatException e)
        {
            throw new CliError(e.Message, e);
        }
    }

    private static List<DryRunResult> Replay(CliContext cli, Recording.Recording recorded, List<(string Name, Policies.Configuration.AutoscalingSpec Spec)> specs, bool quiet)
    {
        var results = new List<DryRunResult>();
        void RunAll(Action<int, double>? report)
        {
            for (var i = 0; i < specs.Count; i++)
            {
                var index = i;
                try
                {
                    results.Add(DryRunReplay.Run(recorded, specs[i].Spec, specs[i].Name, report is null ? null : new Progress<double>(p => report(index, p))));
                }
                catch (ArgumentException e)
                {
                    throw new CliError($"{specs[i].Name}: {e.Message.Split(" (Parameter", 2)[0]}", e);
                }
            }
        }

        if (quiet || recorded.Count < 20_000)
        {
            RunAll(null);
            return results;
        }

        cli.Console.Progress().Start(context =>
        {
            var tasks = specs.Select(s => context.AddTask(Markup.Escape(s.Name), maxValue: 1)).ToList();
            RunAll((index, value) => tasks[index].Value = value);
        });
        return results;
    }
}
