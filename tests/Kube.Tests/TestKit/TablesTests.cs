using System.Text.Json.Nodes;
using RwAutoscaler.TestKit.FakeKube;
using Xunit;

namespace RwAutoscaler.Kube.Tests.TestKit;

/// <summary>The printer-column paths the fake evaluates for <c>kubectl get</c>, as the API server's JSONPath does.</summary>
public sealed class TablesTests
{
    private static readonly JsonObject Object = (JsonObject)JsonNode.Parse("""
        {"metadata": {"name": "a", "labels": {"app.kubernetes.io/name": "x"}},
         "spec": {"replicas": 3, "targetRef": {"name": "rw"}},
         "status": {"conditions": [{"type": "Ready", "status": "True"}, {"type": "MetricsAvailable", "status": "False", "reason": "PrometheusUnavailable"}]}}
        """)!;

    [Theory]
    [InlineData(".spec.replicas", "3")]
    [InlineData(".spec.targetRef.name", "\"rw\"")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", "\"True\"")]
    [InlineData(".status.conditions[?(@.type=='MetricsAvailable')].reason", "\"PrometheusUnavailable\"")]
    [InlineData(".status.conditions[?(@.type==\"Active\")].status", null)]
    [InlineData(".spec.missing.deeper", null)]
    public void A_path_with_or_without_a_filter_finds_its_cell(string path, string? expected)
    {
        var cell = Tables.CellAt(Object, new PrinterColumn("c", "string", path), DateTimeOffset.UnixEpoch);
        Assert.Equal(expected, cell?.ToJsonString());
    }
}
