using RwAutoscaler.Chart.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace RwAutoscaler.Chart.Tests;

public sealed class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public void Prints()
    {
        foreach (var (template, text) in Charts.Chart.RenderText((System.Text.Json.Nodes.JsonObject)Charts.Chart.DefaultValues.DeepClone(), "rwa", "rwautoscaler"))
        {
            output.WriteLine($"# {template}\n{text}");
        }

        foreach (var o in Charts.Chart.Render(Charts.Everything))
        {
            output.WriteLine(o.ToString());
        }
    }
}
