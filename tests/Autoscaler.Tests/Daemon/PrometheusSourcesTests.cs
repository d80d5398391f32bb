using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Daemon;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Autoscaler.Telemetry;
using RwAutoscaler.Autoscaler.Tests.Commands;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Daemon;

/// <summary>Issue 14, fault 4: spec.prometheus cannot make the daemon call, or carry a Secret to, an address it does not allow.</summary>
public sealed class PrometheusSourcesTests
{
    [Theory]
    [InlineData("http://prometheus:9090", "http://prometheus:9090", true)]
    [InlineData("http://prometheus:9090/", "http://prometheus:9090", true)]
    [InlineData("http://prometheus:9090/tenant-a/api", "http://prometheus:9090/tenant-a", true)]
    [InlineData("http://prometheus:9090/tenant-ab", "http://prometheus:9090/tenant-a", false)]
    [InlineData("http://PROMETHEUS:9090", "http://prometheus:9090", true)]
    [InlineData("https://prometheus:9090", "http://prometheus:9090", false)]
    [InlineData("http://prometheus:9091", "http://prometheus:9090", false)]
    [InlineData("http://attacker.example:9090", "http://prometheus:9090", false)]
    [InlineData("http://user:pw@prometheus:9090", "http://prometheus:9090", true)]
    public void An_address_is_allowed_under_an_allowed_one(string address, string allowed, bool expected) =>
        Assert.Equal(expected, PrometheusAddress.IsAllowed(new Uri(address), [new Uri(allowed)]));

    [Fact]
    public void Credentials_in_an_address_are_never_shown()
    {
        Assert.Equal("http://***@prometheus:9090/", PrometheusAddress.Redact(new Uri("http://admin:s3cret@prometheus:9090")));
        Assert.Equal("http://prometheus:9090/", PrometheusAddress.Redact(new Uri("http://prometheus:9090")));
    }

    [Fact]
    public async Task A_spec_naming_an_address_not_allowed_is_refused_before_any_secret_is_read()
    {
        var yaml = """
            apiVersion: rwautoscaler.dev/v1alpha1
            kind: RisingWaveAutoscaler
            metadata: {name: auto, namespace: streaming, generation: 1}
            spec:
              targetRef: {name: rw}
              prometheus: {address: 'http://admin:pw@attacker.example:9090', bearerTokenSecret: {name: db-password, key: password}}
              compute: {maxReplicas: 8, policies: [{type: utilization}]}
            """;
        var config = AutoscalerSpecReader.Read(YamlText.Parse(yaml, "test").Single(), out var errors);
        Assert.Empty(errors);

        // No Kubernetes client at all: reading the Secret would throw a different error than the refusal.
        using var sources = new PrometheusSources(null, new SignalCatalogue(), null, TimeProvider.System, new DaemonMetrics(), [new Uri("http://prometheus:9090")]);
        var need = sources.NeedOf(config!);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => need.Source(CancellationToken.None));
        Assert.Equal(
            "spec.prometheus.address http://***@attacker.example:9090/ is not allowed by the daemon (allowed: http://prometheus:9090/; see --prometheus-allowed-url)",
            refused.Message);
    }
}
