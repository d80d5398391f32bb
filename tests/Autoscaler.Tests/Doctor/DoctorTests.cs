using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Tests.Commands;
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
        await using var cluster = await RisingWaveShapes.ServeAsync(shape);
        var policy = Path.Combine(Path.GetTempPath(), $"doctor-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(policy, Policy);
        try
        {
            var run = await CliRunner.RunAsync("doctor", "--prometheus", cluster.Prometheus!.Address.ToString(), "--cluster", "streaming/rw", "--policy", policy, "--rate-window", "10s");
            Assert.True(run.Error.Length == 0, run.Error);
            return (run.ExitCode, System.Text.RegularExpressions.Regex.Replace(run.Out, @"\s+", " ")); // prose wraps at the terminal's width
        }
        finally
        {
            File.Delete(policy);
        }
    }

    [Theory]
    [InlineData(RisingWaveShapes.V25)]
    [InlineData(RisingWaveShapes.V30)]
    [InlineData(RisingWaveShapes.Standalone)]
    [InlineData(RisingWaveShapes.FractionalCpu)]
    public async Task No_signal_is_NaN_or_infinite_on_any_shape(string shape)
    {
        await using var cluster = await RisingWaveShapes.ServeAsync(shape);
        using var client = new PrometheusClient(new PrometheusOptions { Address = cluster.Prometheus!.Address });
        var catalogue = new SignalCatalogue(new CatalogueOptions { RateWindow = TimeSpan.FromSeconds(10) });
        foreach (var query in catalogue.Queries)
        {
            var result = await client.QueryAsync(query.PromQL, DateTimeOffset.UtcNow, CancellationToken.None);
            Assert.All(result.Series, s => Assert.True(s.Samples.All(v => double.IsFinite(v.Value)), $"{shape}: {query.Signal} reads {s.Samples[^1].Value}"));
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
        Assert.True(fractional.Contains("cpuUtilization: process_cpu_core_num reads 0: a CPU limit under one core is truncated to 0 cores", StringComparison.Ordinal), fractional);
    }
}
