using Microsoft.AspNetCore.Http;
using Prometheus;

namespace RwAutoscaler.Autoscaler.Tests.Fixtures;

/// <summary>
/// Serves the pods of simulated RisingWave clusters over HTTP, <c>/namespace/pod/metrics</c>, for a real Prometheus
/// to scrape, and moves their counters on with wall time: every 100 ms, and to the instant of each scrape, so that a
/// stalled timer on a busy machine does not show up as a dip in rate().
/// </summary>
internal sealed class RisingWaveExporter : IAsyncDisposable
{
    private readonly LoopbackServer _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _ticker;
    private readonly IReadOnlyList<SimulatedRisingWave> _clusters;
    private readonly Lock _clock = new();
    private DateTime _last = DateTime.UtcNow;

    private RisingWaveExporter(LoopbackServer server, IReadOnlyList<SimulatedRisingWave> clusters)
    {
        _server = server;
        _clusters = clusters;
        _ticker = Task.Run(TickAsync);
    }

    public Uri Address => _server.Address;

    public static async Task<RisingWaveExporter> StartAsync(params SimulatedRisingWave[] clusters)
    {
        RisingWaveExporter? exporter = null;
        var server = await LoopbackServer.StartAsync(async context =>
        {
            exporter?.CatchUp();
            var parts = (context.Request.Path.Value ?? "").Trim('/').Split('/');
            var text = parts.Length != 3 ? null
                : clusters.Where(c => c.Namespace == parts[0]).Select(c => c.Render(parts[1])).FirstOrDefault(t => t is not null);
            if (text is null)
            {
                context.Response.StatusCode = 404;
                return;
            }

            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.WriteAsync(text);
        });
        exporter = new RisingWaveExporter(server, clusters);
        foreach (var cluster in clusters)
        {
            cluster.Advance(TimeSpan.Zero);
        }

        return exporter;
    }

    public IEnumerable<ScrapeTarget> Targets(int maxCompute, int maxCompactor) =>
        _clusters.SelectMany(c => c.Targets(Address, maxCompute, maxCompactor));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _ticker.ContinueWith(_ => { }, TaskScheduler.Default);
        await _server.DisposeAsync();
        _stop.Dispose();
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(_stop.Token))
        {
            CatchUp();
        }
    }

    private void CatchUp()
    {
        using var scope = _clock.EnterScope();
        var now = DateTime.UtcNow;
        if (now <= _last)
        {
            return;
        }

        foreach (var cluster in _clusters)
        {
            cluster.Advance(now - _last);
        }

        _last = now;
    }
}
