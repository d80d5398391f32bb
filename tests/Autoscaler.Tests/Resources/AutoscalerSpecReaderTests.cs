using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Autoscaler.Tests.Commands;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Resources;

public sealed class AutoscalerSpecReaderTests
{
    private const string Valid = """
        targetRef: {name: rw}
        compute:
          maxReplicas: 8
          policies: [{type: utilization}]
        """;

    private static JsonObject Resource(string spec)
    {
        var yaml = "apiVersion: rwautoscaler.dev/v1alpha1\nkind: RisingWaveAutoscaler\nmetadata: {name: auto, namespace: streaming, generation: 3}\nspec:\n"
            + string.Join('\n', spec.Split('\n').Select(l => "  " + l));
        return YamlText.Parse(yaml, "test").Single();
    }

    [Fact]
    public void A_minimal_spec_takes_the_defaults()
    {
        var config = AutoscalerSpecReader.Read(Resource(Valid), out var errors);
        Assert.Empty(errors);
        Assert.NotNull(config);
        Assert.Equal(new ClusterRef("streaming", "auto"), config.Resource);
        Assert.Equal(new ClusterRef("streaming", "rw"), config.Target);
        Assert.Equal(3, config.Generation);
        Assert.Equal(AutoscalerMode.Active, config.Mode);
        Assert.Equal(TimeSpan.FromSeconds(30), config.PollingInterval);
        Assert.Equal(20, config.HistoryLimit);
        Assert.Null(config.Prometheus);
        Assert.Equal(ComponentKind.Compute, Assert.Single(config.Policy.Components).Kind);
    }

    [Theory]
    [InlineData("compute: {maxReplicas: 8, policies: [{type: fixed, replicas: 2}]}", "spec.targetRef: is required")]
    [InlineData("targetRef: {name: Bad_Name}\ncompute: {maxReplicas: 8, policies: [{type: fixed, replicas: 2}]}", "spec.targetRef.name: must be a RisingWave name")]
    [InlineData("targetRef: {}\ncompute: {maxReplicas: 8, policies: [{type: fixed, replicas: 2}]}", "spec.targetRef.name: is required")]
    [InlineData("targetRef: {name: rw}", "spec: must configure at least one of compute, compactor")]
    [InlineData("targetRef: {name: rw}\nmode: sometimes\ncompute: {maxReplicas: 8, policies: [{type: fixed, replicas: 2}]}", "spec.mode: must be one of active, dryRun, got 'sometimes'")]
    [InlineData("targetRef: {name: rw}\npollingInterval: 5 minutes\ncompute: {maxReplicas: 8, policies: [{type: fixed, replicas: 2}]}", "spec.pollingInterval:")]
    [InlineData("targetRef: {name: rw}\npollingInterval: 100ms\ncompute: {maxReplicas: 8, policies: [{type: fixed, replicas: 2}]}", "spec.pollingInterval:")]
    [InlineData("targetRef: {name: rw}\nhistoryLimit: 500\ncompute: {maxReplicas: 8, policies: [{type: fixed, replicas: 2}]}", "spec.historyLimit:")]
    [InlineData("targetRef: {name: rw}\ncomptue: {maxReplicas: 8}\ncompactor: {maxReplicas: 2, policies: [{type: compaction}]}", "spec.comptue: unknown field; did you mean compute?")]
    [InlineData("targetRef: {name: rw}\ncompute: {maxReplicas: 8, policies: [{type: utilization, metrics: [{signal: nope, averageValue: 0.5}]}]}", "spec.compute.policies[0]")]
    [InlineData("targetRef: {name: rw}\ncompute: {minReplicas: 9, maxReplicas: 8, policies: [{type: fixed, replicas: 2}]}", "spec.compute.minReplicas: must not exceed maxReplicas")]
    [InlineData("targetRef: {name: rw}\nprometheus: {address: 'prometheus:9090'}\ncompute: {maxReplicas: 8, policies: [{type: fixed, replicas: 2}]}", "spec.prometheus.address: must be an http or https URL")]
    [InlineData("targetRef: {name: rw}\nprometheus: {address: 'http://p:9090', bearerTokenSecret: {name: s}}\ncompute: {maxReplicas: 8, policies: [{type: fixed, replicas: 2}]}", "spec.prometheus.bearerTokenSecret: must name a secret and a key")]
    [InlineData("targetRef: {name: rw}\nprometheus: {address: 'http://p:9090', timeout: 0s}\ncompute: {maxReplicas: 8, policies: [{type: fixed, replicas: 2}]}", "spec.prometheus.timeout:")]
    public void Errors_name_the_field_and_the_expected_form(string spec, string expected)
    {
        var config = AutoscalerSpecReader.Read(Resource(spec), out var errors);
        Assert.Null(config);
        Assert.Contains(errors, e => e.ToString().StartsWith(expected, StringComparison.Ordinal) || e.ToString().Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void All_errors_are_reported_at_once()
    {
        AutoscalerSpecReader.Read(Resource("targetRef: {}\nmode: x\ncompute: {maxReplicas: 0, policies: []}"), out var errors);
        Assert.True(errors.Count >= 3, string.Join("\n", errors));
    }

    [Fact]
    public void A_spec_that_is_not_a_map_is_an_error_not_a_crash()
    {
        var obj = Resource(Valid);
        obj["spec"] = "nonsense";
        Assert.Null(AutoscalerSpecReader.Read(obj, out var errors));
        Assert.Equal("spec: must be a map, got String", Assert.Single(errors).ToString());
        obj.Remove("spec");
        Assert.Null(AutoscalerSpecReader.Read(obj, out errors));
        Assert.Equal("spec: is required", Assert.Single(errors).ToString());
    }

    [Fact]
    public void The_prometheus_override_keeps_its_secret_references()
    {
        var example = YamlText.Parse(File.ReadAllText(CliRunner.Repo("examples/autoscaler/full.yaml")), "full.yaml").Single();
        var config = AutoscalerSpecReader.Read(example, out _)!;
        var prometheus = config.Prometheus!;
        Assert.Equal(new Uri("https://thanos-query.monitoring:9090"), prometheus.Address);
        Assert.Equal(new SecretKey("prometheus-reader", "username"), prometheus.Username);
        Assert.Equal(new SecretKey("monitoring-ca", "ca.crt"), prometheus.CertificateAuthorities);
        Assert.Equal(TimeSpan.FromSeconds(15), prometheus.Timeout);
        Assert.Equal("analytics", prometheus.Headers["X-Scope-OrgID"]);
        Assert.Equal("spot", config.Policy.Find(ComponentKind.Compute)!.Group);
    }

    [Theory]
    [InlineData("examples/autoscaler/rw-prod.yaml")]
    [InlineData("examples/autoscaler/dry-run.yaml")]
    [InlineData("examples/autoscaler/full.yaml")]
    public void Every_example_autoscaler_is_valid(string path)
    {
        var documents = YamlText.Parse(File.ReadAllText(CliRunner.Repo(path)), path);
        var autoscalers = documents.Where(d => (string?)d["kind"] == "RisingWaveAutoscaler").ToList();
        Assert.NotEmpty(autoscalers);
        foreach (var autoscaler in autoscalers)
        {
            Assert.NotNull(AutoscalerSpecReader.Read(autoscaler, out var errors));
            Assert.Empty(errors);
        }
    }
}
