using System.Text.Json;
using RwAutoscaler.Autoscaler.Recording;
using RwAutoscaler.Autoscaler.Tests.Recording;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Commands;

public sealed class DryRunCommandTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("dryrun-");

    public void Dispose() => _temp.Delete(recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_temp.FullName, name);

    private string Recording(int steps = 480)
    {
        var path = Path("cluster.rwrec");
        RecordingFile.Write(SyntheticRecording.Make(steps, i => i < steps / 2 ? 60_000 : 140_000), path);
        return path;
    }

    private string Policy(string name, string yaml)
    {
        var path = Path(name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private const string Throughput = """
        compute:
          maxReplicas: 20
          policies: [{type: throughput, metricsWindow: 5m, stabilization: 1m, scaleDownInterval: 10m}]
        """;

    [Fact]
    public void Shows_the_summary_and_the_timeline_of_each_policy()
    {
        var result = CliRunner.Run("dry-run", "--recording", Recording(), "--policy", Policy("dynamic.yaml", Throughput),
            "--compare", Policy("static.yaml", "compute: {maxReplicas: 20, policies: [{type: fixed, replicas: 6}]}"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("streaming/rw: 2026-11-01 00:00:00Z to 2026-11-01 01:59:45Z, 480 steps of 15s", result.Out, StringComparison.Ordinal);
        Assert.Contains("dynamic", result.Out, StringComparison.Ordinal);
        Assert.Contains("static", result.Out, StringComparison.Ordinal);
        Assert.Contains("had 4, policy 4 -> ", result.Out, StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Json_lists_every_figure_and_decision()
    {
        var result = CliRunner.Run("dry-run", "--recording", Recording(), "--policy", Policy("dynamic.yaml", Throughput), "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var compute = json.RootElement.GetProperty("policies")[0].GetProperty("components")[0];
        Assert.Equal("dynamic", json.RootElement.GetProperty("policies")[0].GetProperty("policy").GetString());
        Assert.Equal(8.0, compute.GetProperty("actualReplicaHours").GetDouble(), 3);
        Assert.True(compute.GetProperty("decisions").GetArrayLength() > 0);
    }

    [Fact]
    public void The_html_report_has_a_lane_per_policy_with_its_charts()
    {
        var page = Path("report/dry-run.html");

        var result = CliRunner.Run("dry-run", "--recording", Recording(), "--policy", Policy("dynamic.yaml", Throughput),
            "--compare", Policy("static.yaml", "compute: {maxReplicas: 20, policies: [{type: fixed, replicas: 2}]}"), "--report", page);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"report: {page}", result.Out, StringComparison.Ordinal);
        var html = File.ReadAllText(page);
        Assert.Contains("<h3>dynamic</h3>", html, StringComparison.Ordinal);
        Assert.Contains("<h3>static</h3>", html, StringComparison.Ordinal);
        Assert.Contains("under-provisioned", html, StringComparison.Ordinal); // static at 2 was short of the 140k/s half
        Assert.True(html.Split("<svg").Length - 1 >= 4, "load, lag and one chart per policy and component");
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_recording_names_the_file_and_offset()
    {
        var path = Recording(40);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 30)]);

        var result = CliRunner.Run("dry-run", "--recording", path, "--policy", Policy("p.yaml", Throughput));

        Assert.Equal(2, result.ExitCode);
        Assert.Matches(@"^error: cluster\.rwrec: offset \d+: ", result.Error);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_for_a_component_without_data_says_so()
    {
        var result = CliRunner.Run("dry-run", "--recording", Recording(20), "--policy",
            Policy("groups.yaml", "compute: {group: spot, maxReplicas: 4, policies: [{type: fixed, replicas: 1}]}"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: groups: the recording of streaming/rw has no replica counts for any component the policy configures (compute/spot)", result.Error.Trim());
    }

    [Fact]
    public void A_missing_recording_is_an_error()
    {
        var result = CliRunner.Run("dry-run", "--recording", Path("none.rwrec"), "--policy", Policy("p.yaml", Throughput));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: --recording: file not found", result.Error, StringComparison.Ordinal);
    }

    // Each row: arguments of record (or dry-run) and the error naming the argument; none needs a Prometheus.
    public static TheoryData<string[], string> BadRanges => new()
    {
        { ["record", "--prometheus", "http://127.0.0.1:9", "--cluster", "a/b", "--start", "2026-11-02T00:00:00Z", "--end", "2026-11-01T00:00:00Z", "--out", "x"], "error: --start (2026-11-02T00:00:00Z) must be before --end (2026-11-01T00:00:00Z)" },
        { ["record", "--prometheus", "http://127.0.0.1:9", "--cluster", "ab", "--start", "now-1h", "--out", "x"], "error: --cluster: expected NAMESPACE/NAME, got 'ab'" },
        { ["record", "--prometheus", "http://127.0.0.1:9", "--cluster", "a/b", "--start", "yesterday", "--out", "x"], "error: --start: expected a time such as 2026-11-21T10:00:00Z, now or now-24h, got 'yesterday'" },
        { ["record", "--prometheus", "prometheus:9090", "--cluster", "a/b", "--start", "now-1h", "--out", "x"], "error: --prometheus: expected an http or https URL such as http://prometheus:9090, got 'prometheus:9090'" },
        { ["record", "--prometheus", "http://127.0.0.1:9", "--cluster", "a/b", "--start", "now-1h", "--step", "0s", "--out", "x"], "error: --step: expected a duration such as 30s, 2m or 1h, got '0s'" },
        { ["record", "--cluster", "a/b", "--start", "now-1h", "--out", "x"], "error: --prometheus: is required" },
        { ["record", "--prometheus-url", "prometheus:9090", "--cluster", "a/b", "--start", "now-1h", "--out", "x"], "error: --prometheus-url: expected an http or https URL such as http://prometheus:9090, got 'prometheus:9090'" },
        { ["dry-run", "--policy", "p.yaml"], "error: give either --recording FILE or --prometheus URL with --cluster and --start (not both)" },
    };

    [Theory]
    [MemberData(nameof(BadRanges))]
    public void Bad_ranges_and_sources_name_the_argument(string[] args, string expected)
    {
        if (args[0] == "dry-run")
        {
            args = [.. args.Select(a => a == "p.yaml" ? Policy("p.yaml", Throughput) : a)];
        }

        var result = CliRunner.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(expected, result.Error.Trim());
    }

    [Fact]
    public void Prometheus_down_is_an_error_that_names_it()
    {
        var result = CliRunner.Run("record", "--prometheus", "http://127.0.0.1:9", "--cluster", "a/b", "--start", "now-1h", "--out", Path("x.rwrec"), "--prometheus-timeout", "2s");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: --prometheus: ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_writes_openmetrics_for_promtool()
    {
        var result = CliRunner.Run("export", "--recording", Recording(8), "--out", Path("r.om"));

        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith("# EOF\n", File.ReadAllText(Path("r.om")), StringComparison.Ordinal);
    }
}
