using RwAutoscaler.Autoscaler.Daemon;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Policies.Model;
using Xunit;
using static RwAutoscaler.Autoscaler.Tests.Daemon.DaemonScalingTests;

namespace RwAutoscaler.Autoscaler.Tests.Daemon;

/// <summary>Issue 15: two replicas with --shards share the autoscalers; each RisingWave is patched once, by its owner.</summary>
public sealed class DaemonShardingTests
{
    private static DaemonOptions Shard(DaemonOptions o) => o with
    {
        Shards = true,
        LeaseNamespace = "streaming",
        LeaseDuration = TimeSpan.FromSeconds(1.5),
        RenewDeadline = TimeSpan.FromSeconds(1),
        RetryPeriod = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task Two_shards_split_the_autoscalers_and_each_cluster_is_scaled_once_by_its_owner()
    {
        await using var daemon = await DaemonFixture.StartAsync(Shard);
        await using var second = await daemon.StartReplicaAsync(Shard);
        var names = Enumerable.Range(0, 8).Select(i => $"rw-{i}").ToList();
        foreach (var name in names)
        {
            await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", name, compute: 2));
            daemon.Prometheus!.Set(new ClusterRef("streaming", name), Signal.CpuUtilization, 0.9, ComponentKind.Compute);
            await daemon.ApplyAsync(AutoscalerYaml().Replace("name: rw-autoscaler", $"name: {name}", StringComparison.Ordinal)
                .Replace("targetRef: {name: rw}", $"targetRef: {{name: {name}}}", StringComparison.Ordinal));
        }

        foreach (var name in names)
        {
            await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync(name) == 4, $"{name} scaled from 2 to 4", seconds: 20);
        }

        await Task.Delay(1500); // a few more ticks: nobody patches again
        var owners = names.ToDictionary(n => n, n => new[] { daemon.Host, second }.Count(h => h.Membership!.Owns($"streaming/{n}")));
        Assert.All(owners, o => Assert.Equal(1, o.Value));
        Assert.Contains(names, n => daemon.Host.Membership!.Owns($"streaming/{n}"));
        Assert.Contains(names, n => second.Membership!.Owns($"streaming/{n}"));
        foreach (var name in names)
        {
            Assert.Single(daemon.Kube.Server.Requests, r => r.Method == "PATCH" && r.Path.EndsWith($"/risingwaves/{name}", StringComparison.Ordinal));
            var owner = daemon.Host.Membership!.Owns($"streaming/{name}") ? daemon.Host.Membership : second.Membership!;
            Assert.Equal(owner.Config.Identity, (string?)(await daemon.AutoscalerAsync(name))["status"]!["shard"]);
        }
    }
}
