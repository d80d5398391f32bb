using System.Globalization;
using System.Text.Json;
using RwAutoscaler.Autoscaler.Recording;
using RwAutoscaler.Autoscaler.Tests.Commands;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Autoscaler.Tests.Recording;
using RwAutoscaler.TestKit;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.DryRun;

/// <summary>
/// A recording exported as OpenMetrics and loaded into a real Prometheus with <c>promtool tsdb
/// create-blocks-from openmetrics</c>, recorded back through <c>autoscaler record</c>, and dry-run three ways: on the
/// original file, on the file recorded back, and straight from Prometheus. The decisions must be the same.
/// </summary>
public sealed class DryRunOnPrometheusTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("dryrun-prom-");

    public void Dispose() => _temp.Delete(recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_temp.FullName, name);

    [Fact]
    public async Task The_dry_run_on_a_recording_and_straight_from_prometheus_give_the_same_decisions()
    {
        if (ExternalTool.Require("promtool", "install the Debian package 'prometheus'") is not { } promtool)
        {
            return;
        }

        // Two hours at 15 s: 30 minutes under the cluster's capacity, then a step above it, and a 10-minute gap in the
        // data that must come back as a gap (Prometheus' 5-minute lookback must not fill it). A custom signal rides
        // along (a sink's backlog growing after the step) and one of the policies reads it.
        var original = SyntheticRecording.Make(
            480, i => i < 120 ? 60_000 : 150_000, gap: i => i is >= 300 and < 340, custom: ("sinkBacklog", i => i < 240 ? 10_000 : 200_000));
        RecordingFile.Write(original, Path("original.rwrec"));
        await using (var writer = new StreamWriter(Path("original.om")))
        {
            OpenMetricsExport.Write(original, writer);
        }

        await using var prometheus = await PrometheusServer.WithHistoryAsync(promtool, Path("original.om"));
        Assert.NotNull(prometheus);

        var range = new[]
        {
            "--prometheus", prometheus.Address.ToString(), "--cluster", "streaming/rw", "--queries", "exported", "--step", "15s",
            "--start", original.Start.ToString("O", CultureInfo.InvariantCulture), "--end", original.End.ToString("O", CultureInfo.InvariantCulture),
        };
        File.WriteAllText(Path("policy.yaml"), """
            signals: [{name: sinkBacklog, query: sum(sink_backlog), unit: messages}]
            compute:
              maxReplicas: 20
              policies:
                - type: utilization
                  metrics: [{type: External, signal: sinkBacklog, averageValue: 16000}]
                - type: throughput
                  metricsWindow: 5m
                  stabilization: 1m
                  scaleDownInterval: 10m
                - type: latency-guard
                  barrierLatencyP99: 10s
            compactor:
              maxReplicas: 4
              policies:
                - type: compaction
            """);
        var recorded = CliRunner.Run(["record", .. range, "--policy", Path("policy.yaml"), "--out", Path("recorded.rwrec")]);
        Assert.True(recorded.ExitCode == 0, recorded.Error);
        string Decisions(params string[] source)
        {
            var result = CliRunner.Run(["dry-run", .. source, "--policy", Path("policy.yaml"), "--json"]);
            Assert.True(result.ExitCode == 0, result.Error);
            using var json = JsonDocument.Parse(result.Out);
            return string.Join('\n', json.RootElement.GetProperty("policies")[0].GetProperty("components").EnumerateArray()
                .SelectMany(c => c.GetProperty("decisions").EnumerateArray().Select(d => $"{c.GetProperty("component")} {d}")));
        }

        var fromOriginal = Decisions("--recording", Path("original.rwrec"));
        var fromRecorded = Decisions("--recording", Path("recorded.rwrec"));
        var fromPrometheus = Decisions(range);

        Assert.Contains("compute", fromOriginal, StringComparison.Ordinal); // the step makes compute scale: there is something to compare
        Assert.Contains("utilization: sinkBacklog is 10000 against a target of 16000 per pod", fromOriginal, StringComparison.Ordinal); // the custom signal is read
        Assert.Equal(fromOriginal, fromRecorded);

        // Every value comes back where it was, and the gap stays a gap of 40 steps.
        var back = RecordingFile.Read(Path("recorded.rwrec"));
        foreach (var series in original.Series)
        {
            var (expected, actual) = (original.Find(series.Component, series.Kind, series.Signal)!, back.Find(series.Component, series.Kind, series.Signal));
            Assert.True(actual is not null, $"{series.Name} was not recorded back");
            Assert.True(expected.SequenceEqual(actual), $"{series.Name}: {actual.Count(double.IsNaN)} steps without data, {expected.Count(double.IsNaN)} in the original");
        }

        Assert.Equal(fromOriginal, fromPrometheus);

        // A cluster Prometheus knows nothing of is a clear error, not an empty recording.
        var none = CliRunner.Run(["record", .. range.Select(a => a == "streaming/rw" ? "streaming/nothing" : a), "--out", Path("none.rwrec")]);
        Assert.Equal(2, none.ExitCode);
        Assert.StartsWith("error: --cluster: Prometheus has no data for streaming/nothing from ", none.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path("none.rwrec")));
    }
}
