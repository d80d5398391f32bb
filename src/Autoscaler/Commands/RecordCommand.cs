using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;
using System.CommandLine;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Recording;
using Spectre.Console;

namespace RwAutoscaler.Autoscaler.Commands;

/// <summary><c>autoscaler record</c>: one cluster's signals and replica counts over a time range, into a recording file.</summary>
internal static class RecordCommand
{
    public static Command Create(CliContext cli, TimeProvider time)
    {
        var range = new RangeFlags();
        var output = new Option<FileInfo>("--out") { Description = "The recording file to write", Required = true };
        var policy = new Option<FileInfo?>("--policy") { Description = "Also record the custom signals this policy spec defines (its signals: list)" };
        var command = new Command("record", "Record a cluster's signals and replica counts from Prometheus into a file for dry-runs") { output, policy };
        range.AddTo(command);
        command.SetAction((result, cancellationToken) => cli.RunAsync(async () =>
        {
            var custom = result.GetValue(policy) is { } file ? InputFiles.Policy(file).Signals : [];
            var recording = await range.RecordAsync(result, cli, time, quiet: false, custom, cancellationToken);
            var target = result.GetValue(output)!;
            try
            {
                RecordingFile.Write(recording, target.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliError($"--out: cannot write {target.FullName}: {e.Message}", e);
            }

            var empty = recording.Values.Count(v => v.All(double.IsNaN));
            cli.Console.MarkupLineInterpolated(
                $"recorded {recording.Cluster}: {recording.Count} steps, {recording.Series.Length} series ({empty} without data) -> {target.FullName} ({target.Length / 1024.0:0.#} KiB)");
            return ExitCodes.Ok;
        }));
        return command;
    }
}

/// <summary>The flags of a Prometheus time range for one cluster, shared by record and dry-run.</summary>
internal sealed class RangeFlags
{
    private readonly PrometheusFlags _prometheus = new("--prometheus");

    public Option<string?> Cluster { get; } = new("--cluster") { Description = "The RisingWave as NAMESPACE/NAME" };

    public Option<string?> Start { get; } = new("--start") { Description = "Start of the range: RFC 3339, or now-DURATION such as now-7d" };

    public Option<string?> End { get; } = new("--end") { Description = "End of the range: RFC 3339, now, or now-DURATION", DefaultValueFactory = _ => "now" };

    public Option<string> Step { get; } = new("--step") { Description = "Resolution of the recording", DefaultValueFactory = _ => "15s" };

    public Option<string> Queries { get; } = new("--queries")
    {
        Description = "risingwave: RisingWave's own metrics (default); exported: series written by 'autoscaler export'",
        DefaultValueFactory = _ => "risingwave",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        _prometheus.AddTo(command);
        foreach (var option in new Option[] { Cluster, Start, End, Step, Queries })
        {
            command.Options.Add(option);
        }
    }

    public bool Given(ParseResult result) => result.GetValue(_prometheus.Url) is not null;

    public async Task<Recording.Recording> RecordAsync(
        ParseResult result, CliContext cli, TimeProvider time, bool quiet, IReadOnlyList<CustomSignalSpec> custom, CancellationToken cancellationToken)
    {
        var prometheus = _prometheus.Prometheus(result) ?? throw new CliError("--prometheus: is required");
        var catalogue = _prometheus.Catalogue(result);
        var clusterText = result.GetValue(Cluster) ?? throw new CliError("--cluster: is required with --prometheus (NAMESPACE/NAME)");
        var parts = clusterText.Split('/');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new CliError($"--cluster: expected NAMESPACE/NAME, got '{clusterText}'");
        }

        var now = time.GetUtcNow();
        var start = InputFiles.TimeOrRelative(result.GetValue(Start) ?? throw new CliError("--start: is required with --prometheus"), "--start", now);
        var end = InputFiles.TimeOrRelative(result.GetValue(End)!, "--end", now);
        var step = InputFiles.Duration(result.GetValue(Step)!, "--step");
        if (end <= start)
        {
            throw new CliError($"--start ({TimeText.Rfc3339(start)}) must be before --end ({TimeText.Rfc3339(end)})");
        }

        if ((end - start).Ticks / step.Ticks > 10_000_000)
        {
            throw new CliError($"--step: {step} over {end - start} is more than 10 million steps; use a larger step");
        }

        IRecordingPlan plan = result.GetValue(Queries) switch
        {
            "risingwave" => new RisingWavePlan(new SignalCatalogue(catalogue), custom),
            "exported" => new ExportedPlan(catalogue.NamespaceLabel, catalogue.ClusterLabel, step, custom),
            var other => throw new CliError($"--queries: expected risingwave or exported, got '{other}'"),
        };

        using var client = new PrometheusClient(prometheus);
        var recorder = new Recording.Recorder(client, plan, time);
        var cluster = new ClusterRef(parts[0], parts[1]);
        try
        {
            if (quiet)
            {
                return await recorder.RecordAsync(cluster, start, end, step, null, cancellationToken);
            }

            Recording.Recording? recording = null;
            await cli.Console.Progress().StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape($"recording {cluster} from {prometheus.Address}"), maxValue: 1);
                recording = await recorder.RecordAsync(cluster, start, end, step, new Progress<double>(p => task.Value = p), cancellationToken);
            });
            return recording!;
        }
        catch (PrometheusException e)
        {
            throw new CliError($"--prometheus: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new CliError($"--cluster: {e.Message.Split(" (Parameter", 2)[0]}; check --cluster and the --label-* flags", e);
        }
    }
}
