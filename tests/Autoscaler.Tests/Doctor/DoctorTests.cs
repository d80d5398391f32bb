using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Tests.Commands;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Doctor;

/// <summary>
/// Issue 19: autoscaler doctor against a real Prometheus scraping clusters shaped like RisingWave versions and set-ups
/// (<see cref="RisingWaveShapes"/>): it names what is missing and the setting to change, and exits 1 when a policy
/// cannot work.
/// </summary>
public sealed class DoctorTests(ShapesOnPrometheus shapes) : IClassFixture<ShapesOnPrometheus>
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

    private async Task<(int Code, string Out)> DoctorAsync(Shape shape, string spec = Policy)
    {
        var policy = Path.Combine(Path.GetTempPath(), $"doctor-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(policy, spec);
        try
        {
            var run = await CliRunner.RunAsync(
                "doctor", "--prometheus", shapes.Served.Prometheus!.Address.ToString(), "--cluster", $"{shape.Namespace}/{shape.Cluster}", "--policy", policy, "--rate-window", "10s");
            Assert.True(run.Error.Length == 0, run.Error);
            return (run.ExitCode, System.Text.RegularExpressions.Regex.Replace(run.Out, @"\s+", " ")); // prose wraps at the terminal's width
        }
        finally
        {
            File.Delete(policy);
        }
    }

    private double Read(Shape shape, Signal signal, string component = "") =>
        shapes.Signals.TryGetValue((shape.Cluster, signal, component), out var value) ? value : throw new Xunit.Sdk.XunitException($"{shape}: no {signal} {component}");

    public static TheoryData<string> Shapes => [.. RisingWaveShapes.All.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void No_signal_is_NaN_or_infinite_on_any_shape(string shape)
    {
        var cluster = RisingWaveShapes.Named(shape).Cluster;
        var values = shapes.Signals.Where(s => s.Key.Cluster == cluster).ToList();

        Assert.NotEmpty(values);
        Assert.All(values, v => Assert.True(double.IsFinite(v.Value), $"{shape}: {v.Key.Signal} {v.Key.Component} reads {v.Value}"));
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

    [Theory]
    [InlineData("v2.7")]
    [InlineData("v3.0")]
    public async Task From_v2_7_a_cluster_has_every_signal_its_policies_need(string shape)
    {
        var (code, output) = await DoctorAsync(RisingWaveShapes.Named(shape));

        Assert.True(code == 0, output);
        Assert.True(output.Contains("9 of 9 signals present", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task Standalone_mode_and_a_missing_kube_state_metrics_are_named()
    {
        var (code, standalone) = await DoctorAsync(RisingWaveShapes.Standalone);
        Assert.True(code == 1, standalone);
        Assert.True(standalone.Contains("cpuUtilization: the cluster runs in standalone mode: its risingwave_component is \"standalone\"", StringComparison.Ordinal), standalone);
        Assert.True(standalone.Contains("compactionRunningSlots: the cluster runs in standalone mode", StringComparison.Ordinal), standalone);

        // The utilization policy reads CPU per pod (HPA's default), which the daemon measures from its pod informer: not blocking.
        var (perPod, unmeasured) = await DoctorAsync(RisingWaveShapes.NoKubeStateMetrics);
        Assert.True(perPod == 0, unmeasured);
        Assert.True(unmeasured.Contains("per pod only", StringComparison.Ordinal), unmeasured);
        Assert.True(unmeasured.Contains("cpuUtilization: kube_pod_container_resource_requests is absent: kube-state-metrics is not scraped", StringComparison.Ordinal), unmeasured);
        Assert.True(unmeasured.Contains("fix: scrape kube-state-metrics", StringComparison.Ordinal), unmeasured);

        // As an External metric it reads the component's utilisation, which has no other source.
        var (external, blocked) = await DoctorAsync(
            RisingWaveShapes.NoKubeStateMetrics, "compute: {maxReplicas: 10, policies: [{type: utilization, metrics: [{type: External, signal: cpuUtilization, value: 0.7}]}]}");
        Assert.True(external == 1, blocked);
        Assert.DoesNotContain("per pod only", blocked, StringComparison.Ordinal);
    }

    [Fact]
    public void Cpu_is_measured_against_the_pods_requests_not_a_truncated_core_count()
    {
        // Requests of 1.5 and 0.5 cores, which process_cpu_core_num reads as 1 and 0. Compute uses 1.2 cores, the
        // compactor 0.4: 80% of their requests (dividing by the core count read 1.2 for compute, and nothing for the compactor).
        Assert.InRange(Read(RisingWaveShapes.FractionalCpu, Signal.CpuUtilization, "compute"), 0.65, 0.95);
        Assert.InRange(Read(RisingWaveShapes.FractionalCpu, Signal.CpuUtilization, "compactor"), 0.5, 1.1);
        Assert.InRange(Read(RisingWaveShapes.V30, Signal.CpuUtilization, "compute"), 0.2, 0.4); // 1.2 of 4 cores
    }

    [Fact]
    public void A_barrier_p99_beyond_the_last_bucket_reads_as_that_bucket_and_is_flagged()
    {
        Assert.Equal(RisingWaveShapes.BarrierBuckets[^1], Read(RisingWaveShapes.V30Congested, Signal.BarrierLatencyP99), 6); // 221.7 s: 0.1 x 1.5^19
        Assert.Equal(1, Read(RisingWaveShapes.V30Congested, Signal.BarrierLatencyP99Capped));
        Assert.InRange(Read(RisingWaveShapes.V30, Signal.BarrierLatencyP99), 0.3375, 0.50625); // 0.4 s lies in the bucket (0.3375, 0.50625]
        Assert.Equal(0, Read(RisingWaveShapes.V30, Signal.BarrierLatencyP99Capped));
    }

    [Fact]
    public async Task A_barrier_p99_beyond_the_last_bucket_is_reported_as_a_lower_bound()
    {
        const string Guard = "compute: {maxReplicas: 10, policies: [{type: latency-guard, barrierLatencyP99: 5m}]}";

        var (code, output) = await DoctorAsync(RisingWaveShapes.V30Congested, Guard);

        Assert.True(code == 0, output);
        Assert.True(output.Contains("at least 221.684 s (the histogram's last bucket)", StringComparison.Ordinal), output);
    }
}
