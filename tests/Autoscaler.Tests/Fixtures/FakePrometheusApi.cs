using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Tests.Fixtures;

/// <summary>
/// A Prometheus HTTP API over real HTTP that answers exactly the catalogue's queries with values the test sets per
/// cluster (the PromQL itself is proven against a real Prometheus elsewhere). <see cref="Down"/> makes it answer like
/// a proxy in front of a dead Prometheus. Counts the queries it was asked.
/// </summary>
internal sealed class FakePrometheusApi : IAsyncDisposable
{
    private readonly LoopbackServer _server;
    private readonly Dictionary<string, SignalQuery> _queries;
    private readonly ConcurrentDictionary<(ClusterRef Cluster, Signal Signal, ComponentKind? Component), double> _values = new();
    private readonly ConcurrentDictionary<(ClusterRef Cluster, string Pod), double> _podCpu = new();
    private int _count;
    private int _restricted;

    private FakePrometheusApi(LoopbackServer server, SignalCatalogue catalogue)
    {
        _server = server;
        _queries = catalogue.Queries.ToDictionary(q => q.PromQL, StringComparer.Ordinal);
    }

    public Uri Address => _server.Address;

    public bool Down { get; set; }

    public int QueryCount => Volatile.Read(ref _count);

    /// <summary>The start of every range query asked.</summary>
    public ConcurrentQueue<DateTimeOffset> RangeStarts { get; } = new();

    /// <summary>Queries that were restricted to some clusters.</summary>
    public int RestrictedCount => Volatile.Read(ref _restricted);

    public static async Task<FakePrometheusApi> StartAsync(SignalCatalogue? catalogue = null)
    {
        FakePrometheusApi? api = null;
        var server = await LoopbackServer.StartAsync(context => api!.HandleAsync(context));
        api = new FakePrometheusApi(server, catalogue ?? new SignalCatalogue());
        return api;
    }

    public void Set(ClusterRef cluster, Signal signal, double value, ComponentKind? component = null) => _values[(cluster, signal, component)] = value;

    public void Clear(ClusterRef cluster, Signal signal, ComponentKind? component = null) => _values.TryRemove((cluster, signal, component), out _);

    /// <summary>CPU cores a pod uses, answered to the catalogue's per-pod CPU query.</summary>
    public void SetPodCpu(ClusterRef cluster, string pod, double cores) => _podCpu[(cluster, pod)] = cores;

    /// <summary>Per-pod CPU queries asked.</summary>
    public int PodQueryCount => Volatile.Read(ref _podQueries);

    private int _podQueries;

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _count);
        if (Down)
        {
            context.Response.StatusCode = 502;
            await context.Response.WriteAsync("<html>502 Bad Gateway</html>");
            return;
        }

        var parameters = context.Request.HasFormContentType ? (IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>>)await context.Request.ReadFormAsync() : context.Request.Query;
        var query = parameters.FirstOrDefault(p => p.Key == "query").Value.ToString();
        var range = context.Request.Path.Value?.EndsWith("query_range", StringComparison.Ordinal) == true;
        string Param(string name) => parameters.FirstOrDefault(p => p.Key == name).Value.ToString();
        context.Response.ContentType = "application/json";
        if (query.StartsWith("sum by (namespace, risingwave_name, pod) (rate(process_cpu_seconds_total{", StringComparison.Ordinal))
        {
            // The per-pod CPU query, restricted to the clusters that use HPA's per-pod rule.
            Interlocked.Increment(ref _podQueries);
            var only = System.Text.RegularExpressions.Regex.Match(query, "risingwave_name=~\"([^\"]*)\"");
            var podClusters = only.Success ? only.Groups[1].Value.Replace("\\", "", StringComparison.Ordinal).Split('|').ToHashSet(StringComparer.Ordinal) : null;
            var pods = string.Join(',', _podCpu.Where(p => podClusters is null || podClusters.Contains(p.Key.Cluster.Name)).Select(p =>
                $"{{\"metric\":{{\"namespace\":\"{p.Key.Cluster.Namespace}\",\"risingwave_name\":\"{p.Key.Cluster.Name}\",\"pod\":\"{p.Key.Pod}\"}},"
                + $"\"value\":[{Param("time")},\"{p.Value.ToString("R", CultureInfo.InvariantCulture)}\"]}}"));
            await context.Response.WriteAsync($"{{\"status\":\"success\",\"data\":{{\"resultType\":\"vector\",\"result\":[{pods}]}}}}");
            return;
        }

        var restriction = System.Text.RegularExpressions.Regex.Match(query, "namespace=~\"([^\"]*)\",risingwave_name=~\"([^\"]*)\"");
        HashSet<string>? names = null;
        if (restriction.Success)
        {
            // A query restricted to some clusters: answer the unrestricted one for those clusters only.
            Interlocked.Increment(ref _restricted);
            names = restriction.Groups[2].Value.Replace("\\", "", StringComparison.Ordinal).Split('|').ToHashSet(StringComparer.Ordinal);
            query = query.Replace("," + restriction.Value, "", StringComparison.Ordinal).Replace("{" + restriction.Value + "}", "", StringComparison.Ordinal);
        }

        if (range)
        {
            RangeStarts.Enqueue(DateTimeOffset.FromUnixTimeMilliseconds((long)(double.Parse(Param("start"), CultureInfo.InvariantCulture) * 1000)));
        }

        if (!_queries.TryGetValue(query, out var signal))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("""{"status":"error","errorType":"bad_data","error":"unknown query"}""");
            return;
        }

        var result = new StringBuilder();
        foreach (var ((cluster, s, component), value) in _values)
        {
            if (s != signal.Signal || (signal.Scope == SignalScope.Component) != (component is not null) || (names is not null && !names.Contains(cluster.Name)))
            {
                continue;
            }

            var labels = $"\"namespace\":\"{cluster.Namespace}\",\"risingwave_name\":\"{cluster.Name}\""
                + (component is { } c ? $",\"risingwave_component\":\"{c.ToName()}\"" : "");
            var v = value.ToString("R", CultureInfo.InvariantCulture);
            if (result.Length > 0)
            {
                result.Append(',');
            }

            if (range)
            {
                var start = double.Parse(Param("start"), CultureInfo.InvariantCulture);
                var end = double.Parse(Param("end"), CultureInfo.InvariantCulture);
                var step = double.Parse(Param("step"), CultureInfo.InvariantCulture);
                var points = new List<string>();
                for (var t = start; t <= end; t += step)
                {
                    points.Add($"[{t.ToString(CultureInfo.InvariantCulture)},\"{v}\"]");
                }

                result.Append("{\"metric\":{").Append(labels).Append("},\"values\":[").Append(string.Join(',', points)).Append("]}");
            }
            else
            {
                result.Append("{\"metric\":{").Append(labels).Append("},\"value\":[").Append(Param("time")).Append(",\"").Append(v).Append("\"]}");
            }
        }

        await context.Response.WriteAsync($"{{\"status\":\"success\",\"data\":{{\"resultType\":\"{(range ? "matrix" : "vector")}\",\"result\":[{result}]}}}}");
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
