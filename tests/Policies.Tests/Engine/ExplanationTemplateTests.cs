using RwAutoscaler.Policies.Decisions;
using Xunit;

namespace RwAutoscaler.Policies.Tests.Engine;

public sealed class ExplanationTemplateTests
{
    [Theory]
    [InlineData("{0:bytes}", 4e9, "4 GB")]
    [InlineData("{0:bytes}", 2.55e12, "2.6 TB")]
    [InlineData("{0:bytes}", 999, "999 bytes")]
    [InlineData("{0:bytes}", 1, "1 byte")]
    [InlineData("{0:0.#|core}", 1, "1 core")]
    [InlineData("{0:0.#|core}", 1.5, "1.5 cores")]
    [InlineData("{0:0.#|core}", 0, "0 cores")]
    [InlineData("{0:0|replica}", 1, "1 replica")]
    [InlineData("{0:0|replica}", 3, "3 replicas")]
    [InlineData("{0:0|ready pod}", 1, "1 ready pod")]
    [InlineData("{0:0%}", 0.79, "79%")]
    [InlineData("{0:N0}", 1234567, "1,234,567")]
    [InlineData("{0}", 2, "2")]
    public void Numbers_are_written_with_their_unit_and_its_plural(string format, double value, string expected)
    {
        Assert.Equal(expected, new ExplanationTemplate(format, "x").Render(new Numbers(value)));
    }
}
