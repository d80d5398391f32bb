using System.Text.Json;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Hosting.Logging;
using Xunit;

namespace RwAutoscaler.Hosting.Tests.Logging;

public sealed class JsonLoggingTests
{
    [Fact]
    public void Each_log_event_is_one_json_object_with_its_properties()
    {
        var output = new StringWriter();
        using (var factory = LoggerFactory.Create(builder => builder.AddJsonLogging(JsonLogging.CreateLogger(output: output))))
        {
            factory.CreateLogger("test").LogInformation("Scaled {Cluster} from {From} to {To}", "ns/rw", 4, 8);
        }

        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        Assert.Equal("Information", json.RootElement.GetProperty("Level").GetString());
        Assert.Equal("Scaled \"ns/rw\" from 4 to 8", json.RootElement.GetProperty("RenderedMessage").GetString());
        Assert.Equal(8, json.RootElement.GetProperty("Properties").GetProperty("To").GetInt32());
    }
}
