using k8s;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Cli;
using RwAutoscaler.Operator.Resources;
using RwAutoscaler.Operator.Tests.Reconciliation;
using RwAutoscaler.Operator.Tests.Support;
using RwAutoscaler.Operator.Yaml;
using RwAutoscaler.TestKit;
using RwAutoscaler.TestKit.FakeKube;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Hosting;

/// <summary>The operator as a process: leader lease, watches, workers, health, metrics and JSON logs; kubectl as an independent client.</summary>
public sealed class OperatorProcessTests : IAsyncLifetime
{
    private FakeApiServer server = null!;

    public async Task InitializeAsync()
    {
        server = await FakeApiServer.StartAsync(new FakeApiServerOptions { GarbageCollection = true, WorkloadControllers = true });
        using var client = server.CreateClient();
        await client.Resource(new ResourceType("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false))
            .CreateAsync(YamlJson.Load(File.ReadAllText(Repository.PathOf(CrdCommand.ChartPath))).Single().AsObject());
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Runs_under_the_lease_reconciles_from_watches_and_reports_health_metrics_and_logs()
    {
        await using var op = await RunningOperator.StartAsync(server);
        using var client = server.CreateClient();
        await client.Resource(RisingWaveResource.Type).CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));

        await RunningOperator.EventuallyAsync(async () =>
            (await client.Resource<RisingWave>().GetAsync("default", "risingwave")).Status is { } s && LifecycleTests.Condition(s, "Running")?.Status == "True",
            "the RisingWave to be Running");

        // The autoscaler's move: patch a group's replicas; the operator follows through Upgrading to done.
        await client.Resource(RisingWaveResource.Type).PatchAsync("default", "risingwave",
            new Kube.Client.KubePatch(Kube.Client.KubePatch.JsonPatchType, """[{"op":"replace","path":"/spec/components/compute/nodeGroups/0/replicas","value":3}]"""));
        await RunningOperator.EventuallyAsync(async () =>
            (await client.Resource<RisingWave>().GetAsync("default", "risingwave")).Status is { ObservedGeneration: 2 } s
                && s.ComponentReplicas!.Compute!.Running == 3 && LifecycleTests.Condition(s, "Upgrading")?.Status == "False",
            "the compute group to run 3 replicas");

        await RunningOperator.EventuallyAsync(() => Task.FromResult(server.ListObjects(ResourceType.Events, "default").Any(e =>
            (string?)e["reason"] == "Upgraded" && (string?)e["reportingController"] == "rwautoscaler.dev/rw-operator" && (string?)e["regarding"]!["name"] == "risingwave")),
            "the Upgraded event");
        var lease = await client.Api.CoordinationV1.ReadNamespacedLeaseAsync("rw-operator", "default");
        Assert.False(string.IsNullOrEmpty(lease.Spec!.HolderIdentity));
        Assert.Equal("ok", await op.Http.GetStringAsync("/healthz"));
        Assert.Equal(HttpStatusCode.OK, (await op.Http.GetAsync("/readyz")).StatusCode);
        var metrics = await op.Http.GetStringAsync("/metrics");
        Assert.Contains("rwautoscaler_operator_reconcile_total{result=\"success\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("rwautoscaler_operator_leader 1", metrics, StringComparison.Ordinal);
        Assert.Contains("rwautoscaler_operator_reconcile_time_seconds_count", metrics, StringComparison.Ordinal);
        Assert.Contains("rwautoscaler_operator_api_writes_total{verb=\"create\",resource=\"statefulsets\"} 2", metrics, StringComparison.Ordinal);
        if (ExternalTool.Require("promtool", "install the Debian package prometheus") is { } promtool)
        {
            var check = await ExternalTool.RunAsync(promtool, ["check", "metrics"], stdin: metrics);
            Assert.True(check.ExitCode == 0, check.StandardOutput + check.StandardError);
        }

        var lines = op.Logs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.NotNull(JsonNode.Parse(line)!["@m"]));
        Assert.Contains(lines, line => line.Contains("became leader on", StringComparison.Ordinal) && line.Contains("default/rw-operator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_instance_waits_as_a_ready_standby_and_takes_over_when_the_leader_stops()
    {
        var first = await RunningOperator.StartAsync(server);
        using var client = server.CreateClient();
        await RunningOperator.EventuallyAsync(async () => await LeaseHolderAsync(client) is { Length: > 0 }, "a leader");
        var leader = await LeaseHolderAsync(client);

        await using var second = await RunningOperator.StartAsync(server);
        Assert.Equal(HttpStatusCode.OK, (await second.Http.GetAsync("/readyz")).StatusCode);
        Assert.Contains("rwautoscaler_operator_leader 0", await second.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);

        await first.DisposeAsync();
        await RunningOperator.EventuallyAsync(async () =>
            await LeaseHolderAsync(client) is { Length: > 0 } holder && holder != leader, "the standby to take over");
        await client.Resource(RisingWaveResource.Type).CreateAsync(Repository.LoadRisingWave("risingwave-memory.yaml"));
        await RunningOperator.EventuallyAsync(async () =>
            (await client.Resource<RisingWave>().GetAsync("default", "risingwave")).Status is { } s && LifecycleTests.Condition(s, "Running")?.Status == "True",
            "the new leader to bring the RisingWave up");
    }

    private static string RunningColumn() =>
        YamlJson.Load(CrdCommand.Render()).Single()["spec"]!["versions"]![0]!["additionalPrinterColumns"]!.AsArray()
            .Single(c => (string?)c!["name"] == "RUNNING")!["jsonPath"]!.GetValue<string>();

    [Fact]
    public async Task Kubectl_applies_an_example_and_lists_it_with_the_upstream_columns()
    {
        var kubectl = ExternalTool.Require("kubectl", "install kubectl v1.32");
        if (kubectl is null)
        {
            return;
        }

        await using var op = await RunningOperator.StartAsync(server, leaderElection: false);
        var directory = Directory.CreateTempSubdirectory("rw-operator-kubectl");
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["KUBECONFIG"] = server.WriteKubeconfig(Path.Combine(directory.FullName, "kubeconfig")),
                ["HOME"] = directory.FullName,
            };
            var apply = await ExternalTool.RunAsync(kubectl, ["apply", "-f", Repository.PathOf("examples/risingwave/risingwave-postgresql-s3.yaml")], environment: environment);
            Assert.True(apply.ExitCode == 0, apply.StandardError);
            Assert.Contains("risingwave.risingwave.risingwavelabs.com/risingwave-persistent created", apply.StandardOutput, StringComparison.Ordinal);

            using var client = server.CreateClient();
            await RunningOperator.EventuallyAsync(async () =>
                (await client.Resource<RisingWave>().GetAsync("default", "risingwave-persistent")).Status is { } s && LifecycleTests.Condition(s, "Running")?.Status == "True",
                "the applied RisingWave to be Running");

            var get = await ExternalTool.RunAsync(kubectl, ["get", "rw"], environment: environment);
            Assert.True(get.ExitCode == 0, get.StandardError);
            var lines = get.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["NAME", "META", "STORE", "STATE", "STORE", "VERSION", "RUNNING", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(["risingwave-persistent", "PostgreSQL", "S3", "v3.0.3"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..4]);

            // The RUNNING column's JSONPath, evaluated by kubectl's own JSONPath (the fake's server-side table
            // splits paths at every dot, "@.type" included, and leaves this cell empty).
            var running = await ExternalTool.RunAsync(kubectl, ["get", "rw", "-o", "custom-columns=RUNNING:" + RunningColumn()], environment: environment);
            Assert.Equal(["RUNNING", "True"], running.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));

            var pods = await ExternalTool.RunAsync(kubectl, ["get", "statefulsets,deployments", "-l", "risingwave/name=risingwave-persistent", "-o", "json"], environment: environment);
            var names = JsonNode.Parse(pods.StandardOutput)!["items"]!.AsArray().Select(i => (string?)i!["metadata"]!["name"]).Order();
            Assert.Equal(["risingwave-persistent-compactor", "risingwave-persistent-compute", "risingwave-persistent-frontend", "risingwave-persistent-meta"], names);

            // kubectl apply of the unchanged file again is a no-op, and so is the operator's answer to it.
            var again = await ExternalTool.RunAsync(kubectl, ["apply", "-f", Repository.PathOf("examples/risingwave/risingwave-postgresql-s3.yaml")], environment: environment);
            Assert.Contains("risingwave-persistent unchanged", again.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The operator's lease holder, read with the official client's typed Lease; null while there is no lease.</summary>
    private static async Task<string?> LeaseHolderAsync(Kube.Client.KubernetesClient client)
    {
        try
        {
            return (await client.Api.CoordinationV1.ReadNamespacedLeaseAsync("rw-operator", "default")).Spec?.HolderIdentity;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
