using System.CommandLine;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Autoscaler.Commands;

namespace RwAutoscaler.Autoscaler;

/// <summary>The <c>autoscaler</c> command tree.</summary>
internal static class CommandLine
{
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
            CrdCommand.Create(cli),
            RunCommand.Create(cli),
        };
        return root;
    }
}
