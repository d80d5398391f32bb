using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Tests.Client;

public sealed class JsonTests
{
    // micro_time.go RFC3339Micro: exactly six digits, including on a whole second (unlike the official C# converter).
    [Theory]
    [InlineData("2025-01-01T00:00:00.0000000+00:00", "2025-01-01T00:00:00.000000Z")]
    [InlineData("2025-01-01T00:00:00.1234567+00:00", "2025-01-01T00:00:00.123456Z")]
    [InlineData("2025-01-01T02:00:00.5+02:00", "2025-01-01T00:00:00.500000Z")]
    public void micro_time_is_written_with_six_fractional_digits_in_utc(string value, string expected)
    {
        var lease = new LeaseSpec { RenewTime = DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture) };
        var json = JsonSerializer.SerializeToNode(lease, KubeJsonContext.Default.Lease.Options.GetTypeInfo(typeof(LeaseSpec)))!;
        Assert.Equal(expected, (string?)json["renewTime"]);
    }

    // time.go: metav1.Time is RFC 3339 at second precision in UTC.
    [Fact]
    public void time_is_written_at_second_precision()
    {
        var meta = new ObjectMeta { CreationTimestamp = new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero) };
        Assert.Equal("2025-01-02T03:04:05Z", (string?)KubeJson.ToJsonObject(meta, KubeJsonContext.Default.ObjectMeta)["creationTimestamp"]);
    }

    // The strict reader mirrors the server: 3, 7 or 9 digits are refused.
    [Theory]
    [InlineData("2025-01-01T00:00:00.123Z")]
    [InlineData("2025-01-01T00:00:00.1234567Z")]
    [InlineData("2025-01-01T00:00:00.123456789Z")]
    public void the_micro_time_reader_is_strict(string text) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize($$"""{"renewTime":"{{text}}"}""", (System.Text.Json.Serialization.Metadata.JsonTypeInfo<LeaseSpec>)KubeJsonContext.Default.GetTypeInfo(typeof(LeaseSpec))!));

    // Nulls are omitted, names are camelCase, apiVersion/kind are filled in for typed models.
    [Fact]
    public void typed_models_serialise_camel_case_without_nulls()
    {
        var json = KubeJson.ToJsonObject(new ConfigMap { Metadata = new() { Name = "c" } }, KubeJsonContext.Default.ConfigMap);
        Assert.Equal("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}""", json.ToJsonString());
    }

    // IntOrString round-trips both forms (Service targetPort).
    [Fact]
    public void int_or_string_round_trips()
    {
        var port = JsonSerializer.Deserialize("""{"port":80,"targetPort":"http"}""", (System.Text.Json.Serialization.Metadata.JsonTypeInfo<ServicePort>)KubeJsonContext.Default.GetTypeInfo(typeof(ServicePort))!)!;
        Assert.Equal("http", port.TargetPort!.Value.StringValue);
        var back = JsonSerializer.Serialize(port with { TargetPort = 8080 }, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<ServicePort>)KubeJsonContext.Default.GetTypeInfo(typeof(ServicePort))!);
        Assert.Equal("""{"port":80,"targetPort":8080}""", back);
    }

    // Records compare collections by reference; SemanticEquals compares what goes on the wire.
    [Fact]
    public void semantic_equality_compares_contents()
    {
        ConfigMap Make() => new() { Metadata = new() { Name = "c" }, Data = new Dictionary<string, string> { ["k"] = "v" } };
        Assert.NotEqual(Make(), Make());
        Assert.True(KubeJson.SemanticEquals(Make(), Make(), KubeJsonContext.Default.ConfigMap));
    }

    // Untyped helpers read metadata without a model.
    [Fact]
    public void json_object_helpers_read_metadata()
    {
        var obj = JsonNode.Parse("""{"metadata":{"name":"rw","namespace":"ns","uid":"u","resourceVersion":"7","generation":3,"labels":{"a":"b"}}}""")!.AsObject();
        Assert.Equal(("rw", "ns", "u", "7", 3L), (obj.GetName(), obj.GetNamespace(), obj.GetUid(), obj.GetResourceVersion(), obj.GetGeneration()!.Value));
        Assert.Equal("b", obj.GetMetadata().Labels!["a"]);
    }
}
