using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace RwAutoscaler.Hosting.Logging;

/// <summary>
/// Structured JSON logs on standard output, one object per line, for the processes that run in a cluster.
/// (Serilog.Extensions.Hosting is not on the mirror, so the logger is plugged into Microsoft.Extensions.Logging
/// through Serilog.Extensions.Logging.)
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
        configuration = output is null
            ? configuration.WriteTo.Console(new JsonFormatter(renderMessage: true))
            : configuration.WriteTo.Sink(new WriterSink(new JsonFormatter(renderMessage: true), output));
        return configuration.CreateLogger();
    }

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

    /// <summary>Replaces the default providers of a host with the JSON logger.</summary>
    public static ILoggingBuilder AddJsonLogging(this ILoggingBuilder logging, Serilog.ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.AddSerilog(logger, dispose: true);
        return logging;
    }
}
