using System.Globalization;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Resources;
using RwAutoscaler.Operator.Tests.Support;
using RwAutoscaler.TestKit;
using RwAutoscaler.TestKit.FakeKube;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Reconciliation;

/// <summary>
/// Status hygiene (kubernetes-api-contract §1.12, meta.SetStatusCondition): a condition's
/// lastTransitionTime moves only when its status flips; fields of the status others own are kept.
/// </summary>
public sealed class StatusTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-03-01T10:00:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Transition_times_move_only_when_a_condition_flips()
    {
        var clock = new ManualTimeProvider(T0);
        await using var fx = await OperatorFixture.StartAsync(clock);
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));
        await fx.ConvergeAsync(key);
        Assert.Equal(T0, Time(await fx.GetAsync(key), "Running"));

        clock.Advance(TimeSpan.FromHours(1));
        fx.Server.PodsReady = false;
        await fx.PatchAsync(key, """[{"op":"replace","path":"/spec/image","value":"risingwavelabs/risingwave:v3.1.0"}]""");
        await fx.ReconcileAsync(key);
        await fx.ReconcileAsync(key);
        Assert.Equal(T0 + TimeSpan.FromHours(1), Time(await fx.GetAsync(key), "Upgrading"));

        clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await fx.ReconcileAsync(key));
        Assert.Equal(T0 + TimeSpan.FromHours(1), Time(await fx.GetAsync(key), "Upgrading"));

        clock.Advance(TimeSpan.FromHours(1));
        fx.Server.PodsReady = true;
        await fx.ConvergeAsync(key);
        var upgraded = await fx.GetAsync(key);
        Assert.Equal((T0 + TimeSpan.FromHours(3), "False"), (Time(upgraded, "Upgrading"), Conditions.Find(upgraded.Status!.Conditions, "Upgrading")!.Status));
        Assert.Equal(T0, Time(upgraded, "Running"));

        // A Service that is gone and cannot be made again: Running flips to False (and the reconcile fails, for a retry).
        clock.Advance(TimeSpan.FromHours(1));
        await fx.Client.Resource(ResourceType.Services).DeleteAsync("default", "risingwave-compactor");
        var outage = fx.Server.Faults.Add(FaultRule.Respond(500) with { Verb = "create", PathContains = "/services" });
        await Assert.ThrowsAsync<KubeApiException>(() => fx.ReconcileAsync(key));
        outage.Dispose();
        var broken = await fx.GetAsync(key);
        var running = Conditions.Find(broken.Status!.Conditions, "Running")!;
        Assert.Equal(("False", "ComponentsMissing", T0 + TimeSpan.FromHours(4)), (running.Status, running.Reason, running.LastTransitionTime));
        Assert.Contains("Service(compactor)", running.Message, StringComparison.Ordinal);
        Assert.Contains(fx.Events.Recorded, e => e.Reason == "Unhealthy");

        clock.Advance(TimeSpan.FromHours(1));
        await fx.ConvergeAsync(key);
        Assert.Equal(T0 + TimeSpan.FromHours(5), Time(await fx.GetAsync(key), "Running"));
        Assert.NotNull(fx.Server.GetObject(ResourceType.Services, "default", "risingwave-compactor"));
    }

    [Fact]
    public async Task Status_fields_owned_by_others_survive_the_operators_writes()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var key = await fx.CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));
        await fx.ConvergeAsync(key);

        // What the ScaleView controller writes into the target's status.
        var risingWaves = fx.Client.Resource(RisingWaveResource.Type);
        var live = await risingWaves.GetAsync("default", "risingwave");
        live["status"]!["scaleViews"] = JsonNode.Parse("""[{"name":"sv","uid":"6a1d","component":"compute","generation":1,"groupLocks":[{"name":"","replicas":2}]}]""");
        await risingWaves.ReplaceStatusAsync(live);
        await fx.PatchAsync(key, """[{"op":"replace","path":"/spec/components/compute/nodeGroups/0/replicas","value":2}]""");

        await fx.ConvergeAsync(key);

        var status = (await risingWaves.GetAsync("default", "risingwave"))["status"]!;
        Assert.Equal(2, (int)status["componentReplicas"]!["compute"]!["running"]!);
        Assert.Equal("sv", (string?)status["scaleViews"]![0]!["name"]);
    }

    private static DateTimeOffset? Time(RisingWave rw, string type) => Conditions.Find(rw.Status?.Conditions, type)?.LastTransitionTime;
}
