using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Benchmarks.Daemon;

/// <summary>
/// A Prometheus HTTP API over loopback that answers each catalogue query with one series per simulated cluster
/// (<see cref="DaemonRig.Cluster"/>), restricted to the clusters a query's matchers name, as Prometheus would. The CPU
/// of any cluster can be raised to make its next decision a scale-up.
/// </summary>
internal sealed partial class SignalServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, double> _cpu = new();
    private readonly Dictionary<string, SignalQuery> _queries = new SignalCatalogue().Queries.ToDictionary(q => q.PromQL, StringComparer.Ordinal);
    private readonly int _clusters;
    private WebApplication _app = null!;
    private int _queryCount;

    private SignalServer(int clusters) => _clusters = clusters;

    public Uri Address { get; private set; } = null!;

    public int Queries => Volatile.Read(ref _queryCount);

    public static async Task<SignalServer> StartAsync(int clusters)
    {
        var server = new SignalServer(clusters);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        server._app = builder.Build();
        server._app.Run(server.AnswerAsync);
        await server._app.StartAsync();
        server.Address = new Uri(server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public void SetCpu(int cluster, double cpu) => _cpu[cluster] = cpu;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        Interlocked.Increment(ref _queryCount);
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
        string Param(string name) => form?[name].ToString() is { Length: > 0 } f ? f : context.Request.Query[name].ToString();
        context.Response.ContentType = "application/json";
        var (baseQuery, only) = Unrestrict(Param("query"));
        if (!_queries.TryGetValue(baseQuery, out var query))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("""{"status":"error","errorType":"bad_data","error":"unknown query"}""");
            return;
        }

        var range = context.Request.Path.Value!.EndsWith("query_range", StringComparison.Ordinal);
        var time = range ? Param("end") : Param("time");
        var text = new StringBuilder((only?.Count ?? _clusters) * 160);
        text.Append("{\"status\":\"success\",\"data\":{\"resultType\":\"").Append(range ? "matrix" : "vector").Append("\",\"result\":[");
        for (var i = 0; i < _clusters; i++)
        {
            var cluster = DaemonRig.Cluster(i);
            if (only is not null && !only.Contains(cluster.Name))
            {
                continue;
            }

            var value = query.Signal switch
            {
                Signal.CpuUtilization => _cpu.GetValueOrDefault(i, 0.5),
                Signal.ProcessedRate or Signal.IngestRate => 1000,
                Signal.BusyRatio => 0.5,
                Signal.BarrierLatencyP99 => 0.3,
                _ => 0,
            };
            var component = query.Scope == SignalScope.Component ? ",\"risingwave_component\":\"compute\"" : "";
            var sample = $"[{time},\"{value.ToString(CultureInfo.InvariantCulture)}\"]";
            text.Append(text[^1] == '[' ? "" : ",").Append("{\"metric\":{\"namespace\":\"").Append(cluster.Namespace).Append("\",\"risingwave_name\":\"").Append(cluster.Name).Append('"')
                .Append(component).Append("},").Append(range ? "\"values\":[" + sample + "]" : "\"value\":" + sample).Append('}');
        }

        text.Append("]}}");
        await context.Response.WriteAsync(text.ToString());
    }

    // A query the catalogue restricted to some clusters: the unrestricted query and the cluster names it asks for.
    private static (string Query, HashSet<string>? Names) Unrestrict(string query)
    {
        var match = Restriction().Match(query);
        if (!match.Success)
        {
            return (query, null);
        }

        var names = match.Groups[1].Value.Replace("\\", "", StringComparison.Ordinal).Split('|').ToHashSet(StringComparer.Ordinal);
        return (query.Replace("," + match.Value, "", StringComparison.Ordinal).Replace("{" + match.Value + "}", "", StringComparison.Ordinal), names);
    }

    [GeneratedRegex("namespace=~\"[^\"]*\",risingwave_name=~\"([^\"]*)\"")]
    private static partial Regex Restriction();
}
