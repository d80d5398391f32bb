using System.CommandLine;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Autoscaler.Doctor;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using Spectre.Console;

namespace RwAutoscaler.Autoscaler.Commands;

/// <summary>
/// <c>autoscaler doctor</c>: whether a cluster's Prometheus has every signal its policies need, and for each one it
/// lacks, why and what to change. Exit code 1 when a signal a policy needs is absent (not when the policies that read
/// cpuUtilization read it per pod, which the daemon measures from its pod informer).
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(CliContext cli, TimeProvider time)
    {
        var prometheus = new PrometheusFlags("--prometheus");
        var cluster = new Option<string>("--cluster") { Description = "The RisingWave as NAMESPACE/NAME", Required = true };
        var policy = new Option<FileInfo?>("--policy") { Description = "Check the signals this policy spec needs (default: every catalogue signal)" };
        var command = new Command("doctor", "Check that Prometheus has every signal a cluster's policies need, and say what to change when one is missing")
        {
            cluster, policy,
        };
        prometheus.AddTo(command);
        command.SetAction((result, cancellationToken) => cli.RunAsync(async () =>
        {
            var options = prometheus.Prometheus(result) ?? throw new CliError("--prometheus: is required");
            var parts = result.GetValue(cluster)!.Split('/');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new CliError($"--cluster: expected NAMESPACE/NAME, got '{result.GetValue(cluster)}'");
            }

            var spec = result.GetValue(policy) is { } file ? InputFiles.Policy(file) : null;
            var target = new ClusterRef(parts[0], parts[1]);
            using var client = new PrometheusClient(options);
            IReadOnlyList<Finding> findings;
            try
            {
                findings = await new SignalDoctor(client, new SignalCatalogue(prometheus.Catalogue(result)))
                    .ExamineAsync(target, SignalDoctor.Needs(spec), spec?.Signals ?? [], SignalDoctor.PerPodCpuReaders(spec), time.GetUtcNow(), cancellationToken);
            }
            catch (PrometheusException e)
            {
                throw new CliError($"--prometheus: {e.Message}", e);
            }

            var table = new FittedTable(
                new("signal", RightAligned: false), new("needed by", RightAligned: false), new("status", RightAligned: false), new("reads", RightAligned: false));
            foreach (var f in findings)
            {
                table.AddRow(Markup.Escape(f.Signal), Markup.Escape(string.Join(", ", f.NeededBy)), f.Present ? "present" : f.Blocking ? "[red]absent[/]" : "[yellow]per pod only[/]", f.Present ? Markup.Escape(f.Detail) : "");
            }

            cli.Console.MarkupLineInterpolated($"[bold]{target}[/] in {options.Address}");
            table.Write(cli.Console);
            foreach (var f in findings.Where(f => !f.Present))
            {
                cli.Console.MarkupLineInterpolated($"{f.Signal}: {f.Detail}");
                if (f.Fix is { } fix)
                {
                    cli.Console.MarkupLineInterpolated($"  fix: {fix}");
                }
            }

            var absent = findings.Count(f => !f.Present);
            cli.Console.MarkupLineInterpolated($"{findings.Count - absent} of {findings.Count} signals present");
            return findings.Any(f => !f.Present && f.Blocking) ? ExitCodes.Failed : ExitCodes.Ok;
        }));
        return command;
    }
}
