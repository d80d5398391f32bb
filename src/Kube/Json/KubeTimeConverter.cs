using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RwAutoscaler.Kube.Json;

/// <summary>
/// metav1.Time: RFC 3339 in UTC at second precision on the wire (apimachinery time.go); any fraction
/// width is accepted when reading, because the API server accepts it too.
/// </summary>
public sealed class KubeTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            throw new JsonException($"expected an RFC 3339 time such as 2024-01-02T03:04:05Z, got '{text}'");
        }
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Format(value));
    }

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// metav1.MicroTime: exactly six fractional digits, always (apimachinery micro_time.go layout RFC3339Micro); the
/// server rejects 3 or 9 digits. The official client writes a whole second with no fraction at all, which a
/// real server rejects on a MicroTime field (eventTime, a Lease's renewTime), so values bound for its models go
/// through <see cref="ForClient"/>.
/// </summary>
public static class MicroTime
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The value for a MicroTime field of the official client's models: one tick (100 ns, below the wire's
    /// microsecond) past a whole second, so that the client writes the six digits the server requires.
    /// </summary>
    public static DateTime ForClient(DateTimeOffset value) =>
        (value.UtcTicks % TimeSpan.TicksPerSecond == 0 ? value.AddTicks(1) : value).UtcDateTime;

    /// <summary>Parses the strict wire form: six fractional digits, then Z or a numeric offset.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(
            text,
            ["yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", "yyyy-MM-dd'T'HH:mm:ss.ffffffzzz"],
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out value);
}
