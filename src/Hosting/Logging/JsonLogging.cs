using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;

namespace RwAutoscaler.Hosting.Logging;

/// <summary>
/// Structured JSON logs on standard output, one object per line in Serilog's compact format (<c>@t</c>, <c>@m</c>,
/// <c>@l</c> when not Information, then the event's properties), for the processes that run in a cluster.
/// </summary>
public static class JsonLogging
{
    public static Serilog.ILogger CreateLogger(LogEventLevel minimum = LogEventLevel.Information, TextWriter? output = null)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        var formatter = new RenderedCompactJsonFormatter();
        configuration = output is null
            ? configuration.WriteTo.Console(formatter)
            : configuration.WriteTo.Sink(new WriterSink(formatter, output));
        return configuration.CreateLogger();
    }

    /// <summary>The logger as the host's only logging provider (Serilog.Extensions.Hosting).</summary>
    public static IServiceCollection AddJsonLogging(this IServiceCollection services, Serilog.ILogger logger) =>
        services.AddSerilog(logger, dispose: true);

    /// <summary>A logger factory for code that runs without a generic host (the daemon's command, tests).</summary>
    public static ILoggerFactory CreateFactory(Serilog.ILogger logger) => new SerilogLoggerFactory(logger, dispose: true);

    /// <summary>Writes to any writer (tests read the log lines back); the console sink covers processes.</summary>
    private sealed class WriterSink(Serilog.Formatting.ITextFormatter formatter, TextWriter output) : Serilog.Core.ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
            lock (output)
            {
                formatter.Format(logEvent, output);
                output.Flush();
            }
        }
    }
}
