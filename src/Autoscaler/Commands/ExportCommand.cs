using System.CommandLine;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Autoscaler.Recording;
using Spectre.Console;

namespace RwAutoscaler.Autoscaler.Commands;

/// <summary><c>autoscaler export</c>: a recording as OpenMetrics, for <c>promtool tsdb create-blocks-from openmetrics</c>.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext cli)
    {
        var recording = new Option<FileInfo>("--recording") { Description = "A recording made by 'autoscaler record'", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the OpenMetrics text", Required = true };
        var command = new Command("export", "Write a recording as OpenMetrics, to load it into Prometheus with promtool") { recording, output };
        command.SetAction(result => cli.Run(() =>
        {
            var recorded = DryRunCommand.Load(result.GetValue(recording)!);
            var target = result.GetValue(output)!;
            try
            {
                using var writer = new StreamWriter(target.FullName);
                OpenMetricsExport.Write(recorded, writer);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliError($"--out: cannot write {target.FullName}: {e.Message}", e);
            }

            cli.Console.MarkupLineInterpolated($"wrote {target.FullName}; load it with: promtool tsdb create-blocks-from openmetrics {target.FullName} <prometheus data dir>");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
