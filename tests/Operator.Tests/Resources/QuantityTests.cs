using RwAutoscaler.Operator.Resources;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Resources;

/// <summary>resource.Quantity amounts (apimachinery pkg/api/resource/quantity.go suffixes).</summary>
public sealed class QuantityTests
{
    [Theory]
    [InlineData("1", 1)]
    [InlineData("500m", 0.5)]
    [InlineData("1500m", 1.5)]
    [InlineData("0.25", 0.25)]
    [InlineData(".5", 0.5)]
    [InlineData("2Gi", 2147483648)]
    [InlineData("32Gi", 34359738368)]
    [InlineData("100Mi", 104857600)]
    [InlineData("1k", 1000)]
    [InlineData("1M", 1000000)]
    [InlineData("1e3", 1000)]
    [InlineData("1E-3", 0.001)]
    [InlineData("+4", 4)]
    [InlineData("100n", 0.0000001)]
    public void Parses_amounts(string text, double expected)
    {
        Assert.True(Quantity.TryParse(text, out var value));
        Assert.Equal((decimal)expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("eight")]
    [InlineData("2GB")]
    [InlineData("1.2.3")]
    [InlineData("Gi")]
    [InlineData("2 Gi")]
    public void Rejects_what_is_not_a_quantity(string text) => Assert.False(Quantity.TryParse(text, out _));
}
