using System.CommandLine;
using System.Text.RegularExpressions;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Autoscaler.Commands;

namespace RwAutoscaler.Autoscaler;

/// <summary>The <c>autoscaler</c> command tree.</summary>
internal static partial class CommandLine
{
    /// <summary>
    /// Parses and runs: a mistake on the command line (an unknown command or flag, a missing option, a value of the
    /// wrong form) is one <c>error:</c> line that names it, and exit code 2, as for any other bad input.
    /// </summary>
    public static int Run(CliContext cli, string[] args, InvocationConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(cli);
        ArgumentNullException.ThrowIfNull(args);
        var parsed = Build(cli).Parse(args.Length == 0 ? ["--help"] : args);
        if (parsed.Errors.Count > 0)
        {
            var command = string.Join(' ', parsed.CommandResult.Command.Parents.OfType<Command>().Reverse().Select(c => c.Name).Append(parsed.CommandResult.Command.Name).Skip(1));
            var first = parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parsed.Errors[0];
            cli.Error.WriteLine($"error: {Readable(first.Message)} (see: autoscaler {(command.Length > 0 ? command + " " : "")}--help)");
            return ExitCodes.BadInput;
        }

        return parsed.Invoke(configuration ?? new InvocationConfiguration());
    }

    /// <summary>System.CommandLine's messages without .NET type names: "expected type 'System.Int32'" reads "an integer".</summary>
    public static string Readable(string message) => ClrType().Replace(string.Join(", ", message.Split('\n').Select(l => l.Trim())).Replace(":, ", ": ", StringComparison.Ordinal), m => m.Groups[1].Value switch
    {
        "Int32" or "Int64" => "as an integer",
        "Double" or "Single" or "Decimal" => "as a number",
        "Boolean" => "as true or false",
        "TimeSpan" => "as a duration",
        "DateTimeOffset" or "DateTime" => "as a time",
        "IO.FileInfo" => "as a file path",
        _ => "in the expected form",
    });

    [GeneratedRegex(@"as expected type 'System\.([A-Za-z0-9.]+)'")]
    private static partial Regex ClrType();

    public static RootCommand Build(CliContext cli, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var root = new RootCommand("RisingWave autoscaler: scales compute and compactor nodes from dataflow metrics")
        {
            EvaluateCommand.Create(cli),
            RecordCommand.Create(cli, time),
            DryRunCommand.Create(cli, time),
            ExportCommand.Create(cli),
            SimulateCommand.Create(cli),
            TuneCommand.Create(cli),
            PoliciesCommand.Create(cli),
            DoctorCommand.Create(cli, time),
            CrdCommand.Create(cli),
            RunCommand.Create(cli),
        };
        return root;
    }
}
