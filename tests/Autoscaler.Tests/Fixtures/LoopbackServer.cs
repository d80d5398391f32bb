using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RwAutoscaler.Autoscaler.Tests.Fixtures;

/// <summary>A request as the server saw it.</summary>
internal sealed record SeenRequest(string Method, string Path, IReadOnlyDictionary<string, string> Parameters, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// Real Kestrel on 127.0.0.1 with a handler the test sets (a fake Prometheus API, an exporter), optionally over
/// HTTPS with a given certificate. Records what it was asked.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SeenRequest> _seen = new();

    private LoopbackServer(Func<HttpContext, Task> handler, X509Certificate2? certificate)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        builder.Logging.ClearProviders();
        builder.Services.AddRoutingCore();
        _app = builder.Build();
        _app.Run(async context =>
        {
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in context.Request.Query)
            {
                parameters[key] = value.ToString();
            }

            if (context.Request.HasFormContentType)
            {
                foreach (var (key, value) in await context.Request.ReadFormAsync())
                {
                    parameters[key] = value.ToString();
                }
            }

            _seen.Enqueue(new SeenRequest(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                parameters,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            await handler(context);
        });
    }

    public Uri Address { get; private set; } = null!;

    public IReadOnlyList<SeenRequest> Seen => _seen.ToArray();

    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, Task> handler, X509Certificate2? certificate = null)
    {
        var server = new LoopbackServer(handler, certificate);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        server.Address = new Uri($"{(certificate is null ? "http" : "https")}://{(certificate is null ? "127.0.0.1" : "localhost")}:{port}/");
        return server;
    }

    /// <summary>A handler that answers every request with the same status and JSON body.</summary>
    public static Func<HttpContext, Task> Json(int status, string body) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
