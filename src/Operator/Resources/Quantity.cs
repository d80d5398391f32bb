using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace RwAutoscaler.Operator.Resources;

/// <summary>
/// A Kubernetes resource quantity ("500m", "2Gi", or a bare number as YAML writes <c>cpu: 1</c>). The
/// text is kept exactly as written so a resource round-trips unchanged; <see cref="TryGetValue"/> reads
/// the amount, for the environment the operator derives from limits and for comparing with what the API
/// server stores (it rewrites quantities in canonical form, "1000m" becomes "1").
/// </summary>
[JsonConverter(typeof(QuantityConverter))]
internal readonly partial record struct Quantity(string Text, bool WrittenAsNumber = false)
{
    /// <summary>The syntax of resource.Quantity (apimachinery quantity.go), as the CRD schema states it.</summary>
    public const string Pattern = @"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

    private static readonly Dictionary<string, decimal> Suffixes = new(StringComparer.Ordinal)
    {
        [""] = 1m,
        ["n"] = 0.000000001m,
        ["u"] = 0.000001m,
        ["m"] = 0.001m,
        ["k"] = 1e3m,
        ["M"] = 1e6m,
        ["G"] = 1e9m,
        ["T"] = 1e12m,
        ["P"] = 1e15m,
        ["E"] = 1e18m,
        ["Ki"] = 1024m,
        ["Mi"] = 1024m * 1024,
        ["Gi"] = 1024m * 1024 * 1024,
        ["Ti"] = 1024m * 1024 * 1024 * 1024,
        ["Pi"] = 1024m * 1024 * 1024 * 1024 * 1024,
        ["Ei"] = 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
    };

    public override string ToString() => Text;

    /// <summary>The amount in base units (cores, bytes); false when the text is not a quantity.</summary>
    public bool TryGetValue(out decimal value) => TryParse(Text, out value);

    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        var match = text is null ? null : Syntax().Match(text);
        if (match is null || !match.Success)
        {
            return false;
        }

        if (!decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var suffix = match.Groups["suffix"].Value;
        try
        {
            if (suffix.Length > 0 && (suffix[0] is 'e' or 'E'))
            {
                var exponent = int.Parse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                value = number * (decimal)Math.Pow(10, exponent);
                return true;
            }

            value = number * Suffixes[suffix];
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^(?<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?<suffix>[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$")]
    private static partial Regex Syntax();
}

internal sealed class QuantityConverter : JsonConverter<Quantity>
{
    public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => new Quantity(reader.GetString()!),
        JsonTokenType.Number => new Quantity(Encoding(reader), WrittenAsNumber: true),
        _ => throw new JsonException("a quantity is a number or a string such as \"500m\" or \"2Gi\""),
    };

    public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.WrittenAsNumber)
        {
            writer.WriteRawValue(value.Text);
        }
        else
        {
            writer.WriteStringValue(value.Text);
        }
    }

    private static string Encoding(Utf8JsonReader reader) =>
        System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
}
