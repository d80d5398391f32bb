using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RwAutoscaler.Kube.Json;

/// <summary>intstr.IntOrString: a port number or a port name, a count or a percentage.</summary>
[JsonConverter(typeof(IntOrStringConverter))]
public readonly record struct IntOrString
{
    public IntOrString(int value) => (IntValue, StringValue) = (value, null);

    public IntOrString(string value) => (IntValue, StringValue) = (0, value ?? throw new ArgumentNullException(nameof(value)));

    public int IntValue { get; }

    public string? StringValue { get; }

    public bool IsInt => StringValue is null;

    public static IntOrString FromInt32(int value) => new(value);

    public static IntOrString FromString(string value) => new(value);

    public static implicit operator IntOrString(int value) => new(value);

    public static implicit operator IntOrString(string value) => new(value);

    public override string ToString() => StringValue ?? IntValue.ToString(CultureInfo.InvariantCulture);
}

public sealed class IntOrStringConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => new IntOrString(reader.GetInt32()),
            JsonTokenType.String => new IntOrString(reader.GetString()!),
            _ => throw new JsonException("expected an integer or a string"),
        };

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.IsInt)
        {
            writer.WriteNumberValue(value.IntValue);
        }
        else
        {
            writer.WriteStringValue(value.StringValue);
        }
    }
}
