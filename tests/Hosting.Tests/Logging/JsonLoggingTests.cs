using System.Text.Json;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Hosting.Logging;
using Xunit;

namespace RwAutoscaler.Hosting.Tests.Logging;

public sealed class JsonLoggingTests
{
    [Fact]
    public void Each_log_event_is_one_compact_json_object_with_its_properties()
    {
        var output = new StringWriter();
        using (var factory = JsonLogging.CreateFactory(JsonLogging.CreateLogger(output: output)))
        {
            var log = factory.CreateLogger("test");
            log.LogInformation("Scaled {Cluster} from {From} to {To}", "ns/rw", 4, 8);
            log.LogWarning("Holding {Cluster}", "ns/rw");
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var info = JsonDocument.Parse(lines[0]);
        Assert.True(info.RootElement.TryGetProperty("@t", out _));
        Assert.False(info.RootElement.TryGetProperty("@l", out _)); // the compact format leaves Information out
        Assert.Equal("Scaled \"ns/rw\" from 4 to 8", info.RootElement.GetProperty("@m").GetString());
        Assert.Equal(8, info.RootElement.GetProperty("To").GetInt32());
        Assert.Equal("test", info.RootElement.GetProperty("SourceContext").GetString());
        using var warning = JsonDocument.Parse(lines[1]);
        Assert.Equal("Warning", warning.RootElement.GetProperty("@l").GetString());
    }

    [Fact]
    public void Levels_below_the_minimum_are_dropped()
    {
        var output = new StringWriter();
        using (var factory = JsonLogging.CreateFactory(JsonLogging.CreateLogger(Serilog.Events.LogEventLevel.Warning, output)))
        {
            factory.CreateLogger("test").LogInformation("not written");
        }

        Assert.Empty(output.ToString());
    }
}
