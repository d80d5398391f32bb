using System.Text.Json.Nodes;
using RwAutoscaler.Chart.Tests.Rendering;
using RwAutoscaler.Chart.Tests.Support;
using Xunit;

namespace RwAutoscaler.Chart.Tests;

/// <summary>What the chart installs without any values, and what the optional parts switch on.</summary>
public sealed class DefaultsTests
{
    private static readonly IReadOnlyList<RenderedObject> Defaults = Charts.Chart.Render();

    private static JsonObject Deployment(IReadOnlyList<RenderedObject> objects, string name) => objects.Single(o => o.Kind == "Deployment" && o.Name == name).Object;

    private static IEnumerable<JsonObject> Containers(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Cast<JsonObject>();

    private static List<string> Args(JsonObject deployment) => Containers(deployment).Single()["args"]!.AsArray().Select(a => (string)a!).ToList();

    [Fact]
    public void The_daemon_runs_two_replicas_that_share_the_autoscalers_on_membership_leases()
    {
        var daemon = Deployment(Defaults, "rwa-autoscaler");
        Assert.Equal(2L, (long)daemon["spec"]!["replicas"]!);
        var args = Args(daemon);
        Assert.Equal("run", args[0]);
        Assert.Contains("--leader-elect=true", args);
        Assert.Contains("--shards", args);
        Assert.Contains("--lease-namespace=rwautoscaler", args);
        Assert.Equal("status.podIP", (string?)Containers(daemon).Single()["env"]!.AsArray().Single(e => (string?)e!["name"] == "POD_IP")!["valueFrom"]!["fieldRef"]!["fieldPath"]);
        var role = Defaults.Single(o => o.Kind == "Role" && o.Name == "rwa-autoscaler-leader-election").Object;
        Assert.Contains(role["rules"]!.AsArray(), r => r!["resources"]![0]!.ToString() == "leases" && r["resourceNames"] is null
            && r["verbs"]!.AsArray().Select(v => (string?)v).Order().SequenceEqual(["delete", "get", "list", "patch"]));
    }

    [Fact]
    public void External_policy_secrets_are_mounted_read_only_where_bearerTokenFile_and_caFile_point()
    {
        var daemon = Deployment(Charts.Chart.Render("autoscaler: {externalPolicies: {secrets: [backlog-policy]}}"), "rwa-autoscaler");
        var mount = Containers(daemon).Single()["volumeMounts"]!.AsArray().Single(m => (string?)m!["name"] == "policy-backlog-policy")!;
        Assert.Equal("/etc/rwautoscaler/policies/backlog-policy", (string?)mount["mountPath"]);
        Assert.True((bool)mount["readOnly"]!);
        var volume = daemon["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "policy-backlog-policy")!;
        Assert.Equal("backlog-policy", (string?)volume["secret"]!["secretName"]);
    }

    [Theory]
    [InlineData("autoscaler: {replicas: 1}", false)]
    [InlineData("autoscaler: {replicas: 3}", true)]
    [InlineData("autoscaler: {replicas: 3, shards: false}", false)]
    [InlineData("autoscaler: {replicas: 1, shards: true}", true)]
    public void Shards_follow_the_replica_count_unless_set(string values, bool sharded)
    {
        var objects = Charts.Chart.Render(values);
        Assert.Equal(sharded, Args(Deployment(objects, "rwa-autoscaler")).Contains("--shards"));
        var role = objects.Single(o => o.Kind == "Role" && o.Name == "rwa-autoscaler-leader-election").Object;
        Assert.Equal(sharded, role["rules"]!.AsArray().Any(r => r!["verbs"]!.AsArray().Any(v => (string?)v == "list")));

        // One leader renews only its named Lease (RbacTests check the sharded rules against a recording of the calls).
        Assert.Equal(!sharded, role["rules"]!.AsArray().Any(r => r!["resourceNames"]?[0]?.ToString() == "rwautoscaler"
            && r["verbs"]!.AsArray().Select(v => (string?)v).SequenceEqual(["get", "update"])));
    }

    [Fact]
    public void Our_operator_is_off_by_default_for_the_upstream_one_and_on_when_asked()
    {
        Assert.DoesNotContain(Defaults, o => o.Name.StartsWith("rwa-operator", StringComparison.Ordinal));
        var objects = Charts.Chart.Render("operator: {enabled: true}");
        Assert.Contains("--leader-elect=true", Args(Deployment(objects, "rwa-operator")));
        Assert.Contains(objects, o => o.Kind == "ClusterRole" && o.Name == "rwa-operator");
        Assert.Contains(objects, o => o.Kind == "PodDisruptionBudget" && o.Name == "rwa-operator");
    }

    [Fact]
    public void Every_container_is_restricted_and_has_requests_equal_to_limits()
    {
        foreach (var deployment in Charts.Chart.Render(Charts.Everything).Where(o => o.Kind == "Deployment"))
        {
            var pod = deployment.Object["spec"]!["template"]!["spec"]!;
            Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!, deployment.ToString());
            Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]!["seccompProfile"]!["type"]);
            foreach (var container in Containers(deployment.Object))
            {
                var security = container["securityContext"]!;
                Assert.True((bool)security["readOnlyRootFilesystem"]!, deployment.ToString());
                Assert.False((bool)security["allowPrivilegeEscalation"]!, deployment.ToString());
                Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string)c!));
                Assert.Null(security["capabilities"]!["add"]);
                Assert.True(JsonNode.DeepEquals(container["resources"]!["requests"], container["resources"]!["limits"]), $"{deployment}: requests differ from limits");
                Assert.Equal("/healthz", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
                Assert.Equal("/readyz", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
            }
        }
    }

    [Fact]
    public void A_Service_carries_metrics_and_the_webhook_and_a_PDB_keeps_a_replica_through_drains()
    {
        var service = Defaults.Single(o => o.Kind == "Service" && o.Name == "rwa-autoscaler").Object;
        Assert.Equal("http", (string?)service["spec"]!["ports"]![0]!["targetPort"]);
        var pdb = Defaults.Single(o => o.Kind == "PodDisruptionBudget" && o.Name == "rwa-autoscaler").Object;
        Assert.Equal(1L, (long)pdb["spec"]!["maxUnavailable"]!);
        Assert.True(JsonNode.DeepEquals(pdb["spec"]!["selector"]!["matchLabels"], Deployment(Defaults, "rwa-autoscaler")["spec"]!["selector"]!["matchLabels"]));
    }

    [Fact]
    public void Monitoring_alerts_and_network_policy_are_optional()
    {
        Assert.DoesNotContain(Defaults, o => o.Kind is "ServiceMonitor" or "PrometheusRule" or "NetworkPolicy");
        var objects = Charts.Chart.Render(Charts.Everything);
        var monitor = objects.Single(o => o.Kind == "ServiceMonitor").Object;
        Assert.True((bool)monitor["spec"]!["endpoints"]![0]!["honorLabels"]!);
        Assert.Contains(objects, o => o.Kind == "PrometheusRule");
        Assert.Contains(objects, o => o.Kind == "NetworkPolicy");
    }

    [Fact]
    public void The_webhook_token_comes_from_a_secret_the_daemon_reads_as_a_file()
    {
        var daemon = Deployment(Charts.Chart.Render(Charts.CompleteExample), "rwa-autoscaler");
        Assert.Contains("--webhook-token-file=/etc/rwautoscaler/webhook/token", Args(daemon));
        var volume = daemon["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "webhook-token")!;
        Assert.Equal("rwa-webhook", (string?)volume["secret"]!["secretName"]);
        Assert.DoesNotContain(Args(Deployment(Defaults, "rwa-autoscaler")), a => a.StartsWith("--webhook-token-file", StringComparison.Ordinal));
    }

    [Fact]
    public void The_dashboard_ConfigMap_carries_the_dashboard_file_for_the_sidecar()
    {
        var map = Defaults.Single(o => o.Kind == "ConfigMap" && o.Name == "rwa-dashboard").Object;
        Assert.Equal("1", (string?)map["metadata"]!["labels"]!["grafana_dashboard"]);
        Assert.Equal(File.ReadAllText(Path.Combine(Repository.ChartDirectory, "dashboards/risingwave-autoscaler.json")).TrimEnd('\n'),
            (string?)map["data"]!["risingwave-autoscaler.json"]);
    }
}
