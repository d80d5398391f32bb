using Microsoft.AspNetCore.Http;
using RwAutoscaler.Autoscaler.Tests.Commands;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Doctor;

/// <summary>
/// Issue 19: autoscaler doctor against a real Prometheus scraping clusters shaped like RisingWave versions and set-ups
/// (<see cref="RisingWaveShapes"/>): it names what is missing and the setting to change, and exits 1 when a policy
/// cannot work.
/// </summary>
public sealed class DoctorTests
{
    private const string Policy = """
        compute:
          maxReplicas: 10
          policies:
            - type: throughput
            - type: utilization
        compactor:
          maxReplicas: 4
          policies:
            - type: compaction
        """;

    private static async Task<(int Code, string Out)> DoctorAsync(string shape)
    {
        var targets = RisingWaveShapes.Targets(shape);
        await using var exporter = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4";
            await context.Response.WriteAsync(string.Join('\n', targets[context.Request.Path.Value!.Trim('/')].Split('\n').Select(l => l.Trim())) + "\n");
        });
        await using var prometheus = await PrometheusServer.StartAsync([.. targets.Keys.Select(component => new ScrapeTarget(exporter.Address, "/" + component,
            new Dictionary<string, string> { ["namespace"] = "streaming", ["risingwave_name"] = "rw", ["risingwave_component"] = component }))]);
        Assert.NotNull(prometheus);
        await prometheus.WaitForScrapesAsync(3);

        var policy = Path.Combine(Path.GetTempPath(), $"doctor-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(policy, Policy);
        try
        {
            var run = CliRunner.Run("doctor", "--prometheus", prometheus.Address.ToString(), "--cluster", "streaming/rw", "--policy", policy, "--rate-window", "10s");
            Assert.True(run.Error.Length == 0, run.Error);
            return (run.ExitCode, System.Text.RegularExpressions.Regex.Replace(run.Out, @"\s+", " ")); // prose wraps at the terminal's width
        }
        finally
        {
            File.Delete(policy);
        }
    }

    [Fact]
    public async Task A_v2_5_cluster_lacks_busy_time_and_the_doctor_names_the_setting()
    {
        var (code, output) = await DoctorAsync(RisingWaveShapes.V25);

        Assert.True(code == 1, output);
        Assert.True(output.Contains("busyRatio: stream_actor_poll_duration is absent: actor tokio metrics are off (the default up to v2.6)", StringComparison.Ordinal), output);
        Assert.True(output.Contains("fix: set enable_actor_tokio_metrics = true under [streaming.developer] in risingwave.toml", StringComparison.Ordinal), output);
        Assert.True(output.Contains("compute/throughput", StringComparison.Ordinal), output);
        Assert.True(output.Contains("8 of 9 signals present", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task A_v3_0_cluster_has_every_signal_its_policies_need()
    {
        var (code, output) = await DoctorAsync(RisingWaveShapes.V30);

        Assert.True(code == 0, output);
        Assert.True(output.Contains("9 of 9 signals present", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task Standalone_mode_and_a_fractional_cpu_limit_are_named()
    {
        var (code, standalone) = await DoctorAsync(RisingWaveShapes.Standalone);
        Assert.True(code == 1, standalone);
        Assert.True(standalone.Contains("cpuUtilization: the cluster runs in standalone mode: its risingwave_component is \"standalone\"", StringComparison.Ordinal), standalone);
        Assert.True(standalone.Contains("compactionRunningSlots: the cluster runs in standalone mode", StringComparison.Ordinal), standalone);

        var (_, fractional) = await DoctorAsync(RisingWaveShapes.FractionalCpu);
        Assert.True(fractional.Contains("cpuUtilization: not a number: process_cpu_core_num reads 0 (a CPU limit under one core is truncated to 0)", StringComparison.Ordinal), fractional);
    }
}
