using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Daemon;
using RwAutoscaler.Autoscaler.Webhook;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Kube.Sharding;
using RwAutoscaler.Policies.Model;
using Xunit;
using static RwAutoscaler.Autoscaler.Tests.Daemon.DaemonScalingTests;

namespace RwAutoscaler.Autoscaler.Tests.Daemon;

/// <summary>Issue 15: two replicas with --shards share the autoscalers; each RisingWave is patched once, by its owner.</summary>
[Collection(EndToEnd.TimingCollection.Name)] // short leases: a starved thread pool lets them lapse
public sealed class DaemonShardingTests
{
    // Leases of 4 s (renewal proven for 3 s): with 1.5 s, a clean-clone CI run saw one cluster patched twice, most
    // likely after a lease lapsed under load and the other replica took the cluster over before the first rescale's
    // status reached it. These tests are about the split, not about lapses.
    private static DaemonOptions Shard(DaemonOptions o) => o with
    {
        Shards = true,
        LeaseNamespace = "streaming",
        LeaseDuration = TimeSpan.FromSeconds(4),
        RenewDeadline = TimeSpan.FromSeconds(3),
        RetryPeriod = TimeSpan.FromMilliseconds(300),
    };

    [Fact]
    public async Task Two_shards_split_the_autoscalers_and_each_cluster_is_scaled_once_by_its_owner()
    {
        await using var daemon = await DaemonFixture.StartAsync(Shard);
        await using var second = await daemon.StartReplicaAsync(Shard);
        var names = await ClustersAsync(daemon, cpu: 0.9, pollingInterval: "1s");

        foreach (var name in names)
        {
            await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync(name) == 4, $"{name} scaled from 2 to 4", seconds: 20);
        }

        await Task.Delay(1500); // a few more ticks: nobody patches again
        await SplitAsync(daemon, second.Membership!, names);
        var owners = names.ToDictionary(n => n, n => new[] { daemon.Host, second }.Count(h => h.Membership!.Owns($"streaming/{n}")));
        Assert.All(owners, o => Assert.Equal(1, o.Value));
        Assert.Contains(names, n => daemon.Host.Membership!.Owns($"streaming/{n}"));
        Assert.Contains(names, n => second.Membership!.Owns($"streaming/{n}"));
        foreach (var name in names)
        {
            var patches = daemon.Kube.Server.Requests.Where(r => r.Method == "PATCH" && r.Path.EndsWith($"/risingwaves/{name}", StringComparison.Ordinal)).ToList();
            Assert.True(patches.Count == 1, $"{name} patched {patches.Count} times, answered {string.Join(", ", patches.Select(p => p.StatusCode))}");
            var owner = daemon.Host.Membership!.Owns($"streaming/{name}") ? daemon.Host.Membership : second.Membership!;
            Assert.Equal(owner.Config.Identity, (string?)(await daemon.AutoscalerAsync(name))["status"]!["shard"]);
        }
    }

    [Fact]
    public async Task An_alert_that_reaches_the_wrong_shard_is_forwarded_to_the_owner_and_scales_the_cluster_at_once()
    {
        await using var daemon = await DaemonFixture.StartAsync(Shard);
        await using var second = await daemon.StartReplicaAsync(Shard);
        var names = await ClustersAsync(daemon, cpu: 0.5, pollingInterval: "1h");

        foreach (var name in names)
        {
            await DaemonFixture.EventuallyAsync(async () => (string?)(await daemon.AutoscalerAsync(name))["status"]?["shard"] is not null, $"{name} evaluated", seconds: 20);
        }

        await SplitAsync(daemon, second.Membership!, names);

        // Every cluster runs hot, but the next poll is an hour away: only the alerts can scale them now.
        foreach (var name in names)
        {
            daemon.Prometheus!.Set(new ClusterRef("streaming", name), Signal.CpuUtilization, 0.9, ComponentKind.Compute);
        }

        var alerts = string.Join(',', names.Select(n => $$$"""{"status":"firing","labels":{"alertname":"BarrierLatencyHigh","namespace":"streaming","risingwave_name":"{{{n}}}"}}"""));
        using var response = await PostAsync(daemon.Host.Address, $$"""{"version":"4","status":"firing","alerts":[{{alerts}}]}""");
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var here = names.Where(n => daemon.Host.Membership!.Owns($"streaming/{n}")).Select(n => $"streaming/{n}").ToList();
        var there = names.Select(n => $"streaming/{n}").Except(here).ToList();
        Assert.NotEmpty(here);
        Assert.NotEmpty(there);
        Assert.Equal(here, answer["evaluating"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(there, answer["forwarded"]![second.Membership!.Config.Identity]!.AsArray().Select(n => (string?)n));
        foreach (var name in names)
        {
            await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync(name) == 4, $"{name} scaled by the alert", seconds: 10);
        }

        Assert.Equal(there.Count, second.Metrics.Alerts.WithLabels("evaluated").Value);
        Assert.Equal(there.Count, daemon.Host.Metrics.Alerts.WithLabels("forwarded").Value);

        // A forwarded alert that lands where the cluster is not owned (ownership moved in between) is not passed on again.
        using var stray = await PostAsync(second.Address, $$$"""{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"namespace":"streaming","risingwave_name":"{{{here[0]["streaming/".Length..]}}}"}}]}""", forwardedBy: "someone");
        var strayAnswer = JsonNode.Parse(await stray.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, stray.StatusCode);
        Assert.Empty(strayAnswer["evaluating"]!.AsArray());
        Assert.Contains("not here (forwarded by someone)", (string?)strayAnswer["ignored"]![0]!["reason"], StringComparison.Ordinal);
    }

    // Both replicas hold their leases and split the clusters (a lease that lapsed under load owns nothing, by design).
    private static Task SplitAsync(DaemonFixture daemon, ShardMembership second, List<string> names) => DaemonFixture.EventuallyAsync(
        () => Task.FromResult(names.All(n => daemon.Host.Membership!.Owns($"streaming/{n}") ^ second.Owns($"streaming/{n}"))
            && names.Any(n => daemon.Host.Membership!.Owns($"streaming/{n}")) && names.Any(n => second.Owns($"streaming/{n}"))),
        "the two replicas split the clusters",
        seconds: 20);

    // Eight RisingWaves at 2 compute replicas, each with its autoscaler, at this CPU and polling interval.
    private static async Task<List<string>> ClustersAsync(DaemonFixture daemon, double cpu, string pollingInterval)
    {
        var names = Enumerable.Range(0, 8).Select(i => $"rw-{i}").ToList();
        foreach (var name in names)
        {
            await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", name, compute: 2));
            daemon.Prometheus!.Set(new ClusterRef("streaming", name), Signal.CpuUtilization, cpu, ComponentKind.Compute);
            await daemon.ApplyAsync(AutoscalerYaml().Replace("name: rw-autoscaler", $"name: {name}", StringComparison.Ordinal)
                .Replace("targetRef: {name: rw}", $"targetRef: {{name: {name}}}", StringComparison.Ordinal)
                .Replace("pollingInterval: 1s", $"pollingInterval: {pollingInterval}", StringComparison.Ordinal));
        }

        return names;
    }

    private static async Task<HttpResponseMessage> PostAsync(Uri daemon, string body, string? forwardedBy = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(daemon, AlertmanagerWebhook.Path.TrimStart('/')))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DaemonFixture.Token);
        if (forwardedBy is not null)
        {
            request.Headers.Add(AlertForwarder.Header, forwardedBy);
        }

        return await http.SendAsync(request);
    }
}
