using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace RwAutoscaler.Chart.Tests.Support;

/// <summary>
/// A Prometheus HTTP API on loopback that answers any instant or range query with one series per cluster (and per
/// component when the query groups by component), all at the same value, so the daemon always has signals. The
/// RBAC flow needs the daemon to act, not particular numbers. <see cref="Down"/> answers 502 like a dead upstream.
/// </summary>
internal sealed class FakePrometheus : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly (string Namespace, string Name)[] _clusters;

    private FakePrometheus(WebApplication app, (string, string)[] clusters)
    {
        _app = app;
        _clusters = clusters;
    }

    public Uri Address { get; private set; } = null!;

    public volatile bool Down;

    public static async Task<FakePrometheus> StartAsync(params (string Namespace, string Name)[] clusters)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakePrometheus(app, clusters);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (Down)
        {
            context.Response.StatusCode = 502;
            await context.Response.WriteAsync("<html>502 Bad Gateway</html>");
            return;
        }

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
        string Param(string name) => form?[name].ToString() is { Length: > 0 } v ? v : context.Request.Query[name].ToString();
        var query = Param("query");
        var range = context.Request.Path.Value?.EndsWith("/query_range", StringComparison.Ordinal) == true;
        var components = query.Contains("risingwave_name, risingwave_component)", StringComparison.Ordinal) ? new string?[] { "compute", "compactor" } : [null];
        var series = new List<string>();
        foreach (var (ns, name) in _clusters)
        {
            foreach (var component in components)
            {
                var labels = $"\"namespace\":\"{ns}\",\"risingwave_name\":\"{name}\"" + (component is null ? "" : $",\"risingwave_component\":\"{component}\"");
                if (range)
                {
                    var start = double.Parse(Param("start"), CultureInfo.InvariantCulture);
                    var end = double.Parse(Param("end"), CultureInfo.InvariantCulture);
                    var step = double.Parse(Param("step"), CultureInfo.InvariantCulture);
                    var points = new StringBuilder();
                    for (var t = start; t <= end; t += step)
                    {
                        points.Append(points.Length > 0 ? "," : "").Append(CultureInfo.InvariantCulture, $"[{t},\"0.5\"]");
                    }

                    series.Add($"{{\"metric\":{{{labels}}},\"values\":[{points}]}}");
                }
                else
                {
                    var time = Param("time") is { Length: > 0 } t ? t : (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture);
                    series.Add($"{{\"metric\":{{{labels}}},\"value\":[{time},\"0.5\"]}}");
                }
            }
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(
            $"{{\"status\":\"success\",\"data\":{{\"resultType\":\"{(range ? "matrix" : "vector")}\",\"result\":[{string.Join(',', series)}]}}}}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
