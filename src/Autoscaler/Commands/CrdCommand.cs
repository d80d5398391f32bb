using System.CommandLine;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Autoscaler.Resources;

namespace RwAutoscaler.Autoscaler.Commands;

/// <summary><c>autoscaler crd</c>: prints (or writes) the RisingWaveAutoscaler CRD generated from its C# types.</summary>
internal static class CrdCommand
{
    public static Command Create(CliContext cli)
    {
        var output = new Option<FileInfo?>("--output") { Description = $"Write to this file instead of standard output (the chart's copy: {AutoscalerCrd.ChartPath})" };
        var command = new Command("crd", "Print the RisingWaveAutoscaler CustomResourceDefinition (YAML)") { output };
        command.SetAction(result => cli.Run(() =>
        {
            var yaml = AutoscalerCrd.Yaml();
            if (result.GetValue(output) is { } file)
            {
                try
                {
                    file.Directory?.Create();
                    File.WriteAllText(file.FullName, yaml);
                }
                catch (IOException e)
                {
                    throw new CliError($"--output: cannot write {file.FullName}: {e.Message}", e);
                }
                catch (UnauthorizedAccessException e)
                {
                    throw new CliError($"--output: cannot write {file.FullName}: {e.Message}", e);
                }
            }
            else
            {
                cli.Out.Write(yaml);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
