using Microsoft.AspNetCore.Http;

namespace RwAutoscaler.Autoscaler.Tests.Fixtures;

/// <summary>
/// Fixed Prometheus expositions served over loopback, one per path, and a real Prometheus scraping each path with the
/// labels service discovery would attach. <see cref="Prometheus"/> is null where the binary is missing outside CI.
/// </summary>
internal sealed class ScrapedExporter : IAsyncDisposable
{
    private readonly LoopbackServer _exporter;

    private ScrapedExporter(LoopbackServer exporter, PrometheusServer? prometheus)
    {
        _exporter = exporter;
        Prometheus = prometheus;
    }

    public PrometheusServer? Prometheus { get; }

    /// <param name="expositions">Per path (without the slash), the text served there; leading blanks of each line are dropped.</param>
    /// <param name="labels">The target labels of a path.</param>
    public static Task<ScrapedExporter> StartAsync(
        IReadOnlyDictionary<string, string> expositions, Func<string, IReadOnlyDictionary<string, string>> labels, TimeSpan? scrapeInterval = null, int scrapes = 2) =>
        StartAsync(expositions.ToDictionary(e => e.Key, e => (Func<string>)(() => e.Value)), labels, scrapeInterval, scrapes);

    /// <param name="expositions">Per path, the text served at each scrape (counters that grow with time).</param>
    /// <param name="labels">The target labels of a path.</param>
    public static async Task<ScrapedExporter> StartAsync(
        IReadOnlyDictionary<string, Func<string>> expositions, Func<string, IReadOnlyDictionary<string, string>> labels, TimeSpan? scrapeInterval = null, int scrapes = 2)
    {
        var exporter = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4";
            await context.Response.WriteAsync(string.Join('\n', expositions[context.Request.Path.Value!.Trim('/')]().Split('\n').Select(l => l.Trim())) + "\n");
        });
        var prometheus = await PrometheusServer.StartAsync(
            [.. expositions.Keys.Select(path => new ScrapeTarget(exporter.Address, "/" + path, labels(path)))], scrapeInterval);
        if (prometheus is not null)
        {
            await prometheus.WaitForScrapesAsync(scrapes);
        }

        return new ScrapedExporter(exporter, prometheus);
    }

    public async ValueTask DisposeAsync()
    {
        if (Prometheus is not null)
        {
            await Prometheus.DisposeAsync();
        }

        await _exporter.DisposeAsync();
    }
}
