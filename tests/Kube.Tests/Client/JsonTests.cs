using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Kube.Tests.Client;

public sealed class JsonTests
{
    // micro_time.go RFC3339Micro: exactly six digits. The official client writes a whole second with no fraction,
    // which the server rejects; MicroTime.ForClient moves it one tick (100 ns) so the client writes six digits.
    [Theory]
    [InlineData("2025-01-01T00:00:00.0000000+00:00", "2025-01-01T00:00:00.000000Z")]
    [InlineData("2025-01-01T00:00:00.1234567+00:00", "2025-01-01T00:00:00.123456Z")]
    [InlineData("2025-01-01T02:00:00.5+02:00", "2025-01-01T00:00:00.500000Z")]
    public void micro_time_reaches_the_wire_with_six_fractional_digits(string value, string expected)
    {
        var time = DateTimeOffset.Parse(value, CultureInfo.InvariantCulture);
        var lease = new V1LeaseSpec { RenewTime = MicroTime.ForClient(time) };
        Assert.Equal(expected, (string?)JsonNode.Parse(KubernetesJson.Serialize(lease))!["renewTime"]);
        Assert.Equal(expected, MicroTime.Format(time));
    }

    // The library's own writing of a whole second: what MicroTime.ForClient is there for.
    [Fact]
    public void the_official_client_writes_a_whole_second_without_a_fraction()
    {
        var lease = new V1LeaseSpec { RenewTime = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc) };
        Assert.Equal("2025-01-01T00:00:00Z", (string?)JsonNode.Parse(KubernetesJson.Serialize(lease))!["renewTime"]);
    }

    // The strict reader (the fake uses it) mirrors the server: 3, 7 or 9 digits, or none, are refused.
    [Theory]
    [InlineData("2025-01-01T00:00:00Z")]
    [InlineData("2025-01-01T00:00:00.123Z")]
    [InlineData("2025-01-01T00:00:00.1234567Z")]
    [InlineData("2025-01-01T00:00:00.123456789Z")]
    public void the_micro_time_reader_is_strict(string text) => Assert.False(MicroTime.TryParse(text, out _));

    // time.go: metav1.Time is RFC 3339 at second precision in UTC.
    [Fact]
    public void time_is_written_at_second_precision() =>
        Assert.Equal("2025-01-02T03:04:05Z", KubeTimeConverter.Format(new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero)));

    // Untyped helpers read metadata without a model.
    [Fact]
    public void json_object_helpers_read_metadata()
    {
        var obj = JsonNode.Parse("""{"metadata":{"name":"rw","namespace":"ns","uid":"u","resourceVersion":"7","generation":3,"labels":{"a":"b"}}}""")!.AsObject();
        Assert.Equal(("rw", "ns", "u", "7", 3L), (obj.GetName(), obj.GetNamespace(), obj.GetUid(), obj.GetResourceVersion(), obj.GetGeneration()!.Value));
    }
}
