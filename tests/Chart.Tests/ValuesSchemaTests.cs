using System.Text.Json.Nodes;
using RwAutoscaler.Chart.Tests.Rendering;
using RwAutoscaler.Chart.Tests.Support;
using Xunit;

namespace RwAutoscaler.Chart.Tests;

/// <summary>values.schema.json, checked with Ajv (draft-07, as Helm): it accepts the chart's values and refuses bad ones.</summary>
public sealed class ValuesSchemaTests
{
    private static JsonNode Schema => JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.ChartDirectory, "values.schema.json")))!;

    private static JsonObject With(string overrides)
    {
        var values = (JsonObject)Charts.Chart.DefaultValues.DeepClone();
        HelmChart.Merge(values, (JsonObject)YamlText.Parse(overrides, "overrides").Single());
        return values;
    }

    [Fact]
    public async Task The_schema_accepts_values_yaml_and_the_documented_value_sets()
    {
        var errors = await NodeTools.SchemaErrorsAsync(Schema, [Charts.Chart.DefaultValues, With(Charts.Everything), With(Charts.CompleteExample)]);
        if (errors is not null)
        {
            Assert.All(errors, e => Assert.True(e.Count == 0, string.Join('\n', e)));
        }
    }

    [Theory]
    [InlineData("autoscaler: {replica: 2}", "additionalProperty\":\"replica")]
    [InlineData("autoscaler: {replicas: 0}", "/autoscaler/replicas must be >= 1")]
    [InlineData("autoscaler: {replicas: \"2\"}", "/autoscaler/replicas must be integer")]
    [InlineData("autoscaler: {prometheus: {url: prometheus:9090}}", "/autoscaler/prometheus/url must match pattern")]
    [InlineData("autoscaler: {logLevel: verbose}", "/autoscaler/logLevel must be equal to one of the allowed values")]
    [InlineData("autoscaler: {resources: {limits: {cpu: lots, memory: 1Gi}}}", "/autoscaler/resources/limits/cpu")]
    [InlineData("prometheusRule: {risingwave: {barrierLatencyFor: 1 minute}}", "/prometheusRule/risingwave/barrierLatencyFor must match pattern")]
    [InlineData("operator: {enabled: \"yes\"}", "/operator/enabled must be boolean")]
    [InlineData("fullnameOverride: My_Release", "/fullnameOverride must match pattern")]
    public async Task The_schema_refuses_a_bad_value_and_names_it(string overrides, string expected)
    {
        var errors = await NodeTools.SchemaErrorsAsync(Schema, [With(overrides)]);
        if (errors is not null)
        {
            Assert.Contains(errors.Single(), e => e.Contains(expected, StringComparison.Ordinal));
        }
    }
}
