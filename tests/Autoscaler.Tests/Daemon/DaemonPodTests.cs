using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Daemon;

/// <summary>
/// Issue 18: the utilization policy is the HPA algorithm in the live daemon too. The daemon watches the compute pods
/// (readiness, start time, CPU request), reads each pod's CPU from Prometheus, and measures it against the request as
/// HPA does, so that HPA's rules for not-ready, still-starting and metric-less pods fire in a cluster.
/// </summary>
public sealed class DaemonPodTests
{
    private static readonly ClusterRef Rw = DaemonScalingTests.Rw;

    private static async Task CreatePodAsync(DaemonFixture daemon, string name, string phase, bool ready, TimeSpan age, string cpuRequest = "500m")
    {
        var pods = daemon.Kube.Client.Resource(ResourceType.Pods);
        await pods.CreateAsync(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = "streaming",
                ["labels"] = new JsonObject { ["risingwave/name"] = "rw", ["risingwave/component"] = "compute", ["risingwave/group"] = "" },
            },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "compute",
                    ["image"] = "risingwavelabs/risingwave:v3.0.3",
                    ["resources"] = new JsonObject
                    {
                        ["requests"] = new JsonObject { ["cpu"] = cpuRequest },
                        ["limits"] = new JsonObject { ["cpu"] = "4" },
                    },
                }),
            },
        });
        var since = DateTimeOffset.UtcNow - age;
        await pods.PatchStatusAsync("streaming", name, KubePatch.Merge(new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["phase"] = phase,
                ["startTime"] = since.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready",
                    ["status"] = ready ? "True" : "False",
                    ["lastTransitionTime"] = since.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                }),
            },
        }));
    }

    [Fact]
    public async Task Cpu_is_measured_against_the_pods_request_and_a_pending_pod_counts_as_idle_on_a_scale_up()
    {
        await using var daemon = await DaemonFixture.StartAsync();
        await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 3, cores: 4));
        await daemon.Kube.SettleAsync("streaming", "rw");

        // Two running pods use 0.45 cores of a 0.5-core request (90%), a third is still Pending. Against the 4-core
        // limit the component's average is 11%, which would scale down; HPA reads 90% per pod against requests.
        await CreatePodAsync(daemon, "rw-compute-0", "Running", ready: true, TimeSpan.FromHours(1));
        await CreatePodAsync(daemon, "rw-compute-1", "Running", ready: true, TimeSpan.FromHours(1));
        await CreatePodAsync(daemon, "rw-compute-2", "Pending", ready: false, TimeSpan.FromSeconds(20));
        daemon.Prometheus!.SetPodCpu(Rw, "rw-compute-0", 0.45);
        daemon.Prometheus.SetPodCpu(Rw, "rw-compute-1", 0.45);
        daemon.Prometheus.Set(Rw, Signal.CpuUtilization, 0.1125, ComponentKind.Compute);
        await daemon.ApplyAsync(DaemonScalingTests.AutoscalerYaml());

        // HPA: ratio 0.9 / 0.5 = 1.8 over 2 ready pods; on a scale-up the pending pod counts as using nothing:
        // (0.9 + 0.9 + 0) / 3 = 0.6, ratio 1.2 -> ceil(1.2 x 3) = 4.
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "compute scaled from 3 to 4 by HPA's per-pod rule");
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Events("Rescaled").Count == 1), "a Rescaled event");
        var note = (string?)daemon.Events("Rescaled")[0]["note"];
        Assert.True(note!.Contains("cpuUtilization averages 0.9 over 3 pods against a target of 0.5 per pod", StringComparison.Ordinal), note);
        Assert.True(daemon.Prometheus.PodQueryCount > 0);
    }

    [Fact]
    public async Task Without_per_pod_cpu_the_component_average_decides_as_before()
    {
        await using var daemon = await DaemonFixture.StartAsync();
        await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        await daemon.Kube.SettleAsync("streaming", "rw");
        await CreatePodAsync(daemon, "rw-compute-0", "Running", ready: true, TimeSpan.FromHours(1));
        await CreatePodAsync(daemon, "rw-compute-1", "Running", ready: true, TimeSpan.FromHours(1));
        daemon.Prometheus!.Set(Rw, Signal.CpuUtilization, 0.9, ComponentKind.Compute);
        await daemon.ApplyAsync(DaemonScalingTests.AutoscalerYaml());

        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "compute scaled from 2 to 4 on the component average");
    }
}
