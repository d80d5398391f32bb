using System.Text.Json.Nodes;
using RwAutoscaler.Chart.Tests.Rendering;
using RwAutoscaler.Chart.Tests.Support;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit.FakeKube;
using Xunit;
using Xunit.Abstractions;

namespace RwAutoscaler.Chart.Tests;

/// <summary>
/// Issue 15's process test: three `autoscaler run --shards` processes and 300 RisingWaveAutoscalers. Each replica
/// owns about a third; after a SIGKILL the dead one's autoscalers move to the others within the lease; a restart
/// rebalances; every RisingWave is patched exactly once per change, by one replica.
/// </summary>
public sealed class ShardingProcessTests(ITestOutputHelper output)
{
    private const string Namespace = "tenants";
    private const int Clusters = 300;
    private static readonly ResourceType RisingWaves = ClusterFlow.RisingWaves;
    private static readonly ResourceType Autoscalers = ClusterFlow.Autoscalers;

    [Fact]
    public async Task Three_replicas_share_300_clusters_hand_over_after_a_kill_and_rebalance_after_a_restart()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.CreateNamespace(Namespace);
        using var client = server.CreateClient(new KubeClientOptions { UserAgent = "sharding-test" });
        await ClusterFlow.InstallCrdsAsync(client);

        var names = Enumerable.Range(0, Clusters).Select(i => $"rw-{i:D3}").ToList();
        foreach (var name in names)
        {
            await client.Resource(RisingWaves).CreateAsync(RisingWave(name));
            await client.Resource(Autoscalers).CreateAsync(Autoscaler(name));
        }

        await using var prometheus = await FakePrometheus.StartAsync([.. names.Select(n => (Namespace, n))]);
        var work = Directory.CreateTempSubdirectory("sharding-");
        var kubeconfig = server.WriteKubeconfig(Path.Combine(work.FullName, "kubeconfig"), Namespace);
        string[] Args() =>
        [
            "run", "--kubeconfig", kubeconfig, "--listen", "127.0.0.1:0", "--prometheus-url", prometheus.Address.ToString(), "--shards",
            "--lease-namespace", Namespace, "--lease-duration", "3s", "--renew-deadline", "2s", "--retry-period", "500ms", "--metrics-max-age", "200ms",
        ];
        ChildProcess Start(string pod) => ChildProcess.Start(ChildProcess.Assembly("Autoscaler", "autoscaler"), Args(), new Dictionary<string, string> { ["POD_NAME"] = pod });
        await using var a = Start("replica-a");
        var b = Start("replica-b");
        var bKilled = false;
        await using var c = Start("replica-c");
        try
        {
            // 1. Each cluster is pinned at 3: every RisingWave goes 2 -> 3, once, and each replica owns about a third.
            // The owner writes its identity in the status after the patch: both must have landed before owners are counted.
            await EventuallyAsync(async () => (await ComputeAsync(client)).All(r => r == 3) && !(await OwnersAsync(client)).ContainsKey(""), "all 300 at 3, each with its owner in its status", 90);
            var owners = await OwnersAsync(client);
            Assert.Equal(3, owners.Keys.Count);
            Assert.All(owners.Values, n => Assert.InRange(n, 60, 140));
            AssertEachPatched(server, names, times: 1);

            // 2. SIGKILL B; re-pin at 4: its clusters move to A and C within the lease, each is patched once more.
            var dead = owners.Keys.Single(k => k.StartsWith("replica-b", StringComparison.Ordinal));
            await b.DisposeAsync(); // SIGKILL: no release of its Lease
            bKilled = true;
            var killed = DateTime.UtcNow;
            await EventuallyAsync(async () => !(await OwnersAsync(client)).ContainsKey(dead), "B's clusters owned by the others", 30);
            output.WriteLine($"handover after the kill: {(DateTime.UtcNow - killed).TotalSeconds:0.0} s (lease 3 s)");
            await PinAsync(client, names, 4);
            await EventuallyAsync(async () => (await ComputeAsync(client)).All(r => r == 4), "all 300 at 4", 60);
            AssertEachPatched(server, names, times: 2);

            // 3. B comes back (a new identity): it takes about a third again; a pin at 5 is applied once per cluster.
            await using var b2 = Start("replica-b");
            await EventuallyAsync(async () => (await OwnersAsync(client)).Count(o => o.Key.StartsWith("replica-b", StringComparison.Ordinal) && o.Key != dead && o.Value >= 60) == 1,
                "the restarted B owns about a third", 60);
            await PinAsync(client, names, 5);
            await EventuallyAsync(async () => (await ComputeAsync(client)).All(r => r == 5), "all 300 at 5", 60);
            AssertEachPatched(server, names, times: 3);
        }
        finally
        {
            output.WriteLine($"A:\n{Tail(a.Output)}\nC:\n{Tail(c.Output)}");
            if (!bKilled)
            {
                await b.DisposeAsync();
            }
        }
    }

    private static JsonObject RisingWave(string name) => Yaml($"""
        apiVersion: risingwave.risingwavelabs.com/v1alpha1
        kind: RisingWave
        metadata:
          name: {name}
          namespace: {Namespace}
          annotations: {"{"}rwautoscaler.dev/compute-replicas: "3"{"}"}
        spec:
          image: risingwavelabs/risingwave:v2.1.0
          components:
            meta: {"{"}nodeGroups: [{"{"}name: "", replicas: 1{"}"}]{"}"}
            frontend: {"{"}nodeGroups: [{"{"}name: "", replicas: 1{"}"}]{"}"}
            compute: {"{"}nodeGroups: [{"{"}name: "", replicas: 2{"}"}]{"}"}
            compactor: {"{"}nodeGroups: [{"{"}name: "", replicas: 1{"}"}]{"}"}
        """);

    private static JsonObject Autoscaler(string name) => Yaml($"""
        apiVersion: rwautoscaler.dev/v1alpha1
        kind: RisingWaveAutoscaler
        metadata: {"{"}name: {name}, namespace: {Namespace}{"}"}
        spec:
          targetRef: {"{"}name: {name}{"}"}
          mode: active
          pollingInterval: 1s
          compute:
            minReplicas: 1
            maxReplicas: 10
            policies: [{"{"}type: utilization{"}"}]
        """);

    private static JsonObject Yaml(string text) => (JsonObject)YamlText.Parse(text, "test").Single();

    private static async Task PinAsync(KubernetesClient client, IEnumerable<string> names, int replicas)
    {
        foreach (var name in names)
        {
            await client.Resource(RisingWaves).PatchAsync(Namespace, name, KubePatch.Merge(new JsonObject
            {
                ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["rwautoscaler.dev/compute-replicas"] = $"{replicas}" } },
            }));
        }
    }

    private static async Task<List<int>> ComputeAsync(KubernetesClient client) =>
        [.. (await client.Resource(RisingWaves).ListAllAsync(Namespace)).Items.Select(rw => (int?)rw["spec"]!["components"]!["compute"]!["nodeGroups"]![0]!["replicas"] ?? 0)];

    private static async Task<Dictionary<string, int>> OwnersAsync(KubernetesClient client) =>
        (await client.Resource(Autoscalers).ListAllAsync(Namespace)).Items
            .GroupBy(a => (string?)a["status"]?["shard"] ?? "")
            .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Every RisingWave got exactly this many replica patches from the daemons, in all: no change applied twice.</summary>
    private static void AssertEachPatched(FakeApiServer server, IReadOnlyList<string> names, int times)
    {
        var patches = server.Requests
            .Where(r => r.Method == "PATCH" && r.StatusCode < 300 && r.UserAgent.StartsWith("rwautoscaler-kube", StringComparison.Ordinal) && r.Path.Contains("/risingwaves/", StringComparison.Ordinal))
            .GroupBy(r => r.Path[(r.Path.LastIndexOf('/') + 1)..])
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.All(names, n => Assert.Equal(times, patches.GetValueOrDefault(n)));
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, double seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {what}");
            await Task.Delay(250);
        }
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(10).Select(l => l.Length > 300 ? l[..300] : l));
}
