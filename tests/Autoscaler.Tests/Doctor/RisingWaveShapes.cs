using System.Globalization;
using System.Text;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using Xunit;
using static System.FormattableString;

namespace RwAutoscaler.Autoscaler.Tests.Doctor;

/// <summary>A RisingWave version and set-up, as the tests serve it to a real Prometheus.</summary>
internal sealed record Shape(string Name, Version Version)
{
    /// <summary>Every process in one, labelled <c>risingwave_component="standalone"</c>.</summary>
    public bool Standalone { get; init; }

    /// <summary><c>[streaming.developer] enable_actor_tokio_metrics</c>; null is the version's default.</summary>
    public bool? TokioMetrics { get; init; }

    /// <summary>Every barrier takes longer than the histogram's last finite bucket.</summary>
    public bool Congested { get; init; }

    /// <summary>The pods' CPU requests (cores), as kube-state-metrics reports them; none when it is not scraped.</summary>
    public double ComputeRequest { get; init; } = 4;

    public double CompactorRequest { get; init; } = 2;

    public bool KubeStateMetrics { get; init; } = true;

    public bool TokioOn => TokioMetrics ?? Version >= new Version(2, 7);

    /// <summary>The RisingWave's name: every shape is its own cluster.</summary>
    public string Cluster => "rw-" + Name.Replace('.', '-');

    public string Namespace { get; init; } = "streaming";

    public override string ToString() => Name;
}

/// <summary>
/// What a RisingWave exports, per version and set-up, as Prometheus scrapes it with the operator's ServiceMonitor
/// (namespace, risingwave_name, risingwave_component and pod: risingwave.md section 2.3), generated from one table of
/// facts: each metric, the process that exports it, its labels, and from which version or under which setting it
/// exists. Counters grow with time at a fixed load, so rate() reads known values:
/// compute uses 1.2 cores, the compactor 0.4; sources read 500 messages/s and stay 1,000 messages behind; actors are
/// busy half the time and blocked a tenth; barriers take 0.4 s (or 250 s when congested).
/// Sources: risingwavelabs/risingwave v2.5.0, v3.0.3 and main (2026-08), the files named per fact; the presence per
/// version from issue 19's reading of them.
/// </summary>
internal static class RisingWaveShapes
{
    public static readonly Shape V25 = new("v2.5", new Version(2, 5, 0));
    public static readonly Shape V27 = new("v2.7", new Version(2, 7, 0));
    public static readonly Shape V30 = new("v3.0", new Version(3, 0, 3));
    public static readonly Shape V30Congested = V30 with { Name = "v3.0-congested", Congested = true };
    public static readonly Shape Standalone = V30 with { Name = "standalone", Standalone = true };
    public static readonly Shape FractionalCpu = V30 with { Name = "fractional-cpu", ComputeRequest = 1.5, CompactorRequest = 0.5 };
    public static readonly Shape NoKubeStateMetrics = V30 with { Name = "no-kube-state-metrics", KubeStateMetrics = false, Namespace = "unmeasured" };

    public static IReadOnlyList<Shape> All { get; } = [V25, V27, V30, V30Congested, Standalone, FractionalCpu, NoKubeStateMetrics];

    public static Shape Named(string name) => All.Single(s => s.Name == name);

    public const double ComputeCores = 1.2;
    public const double CompactorCores = 0.4;

    /// <summary>
    /// meta_barrier_duration_seconds' buckets: exponential_buckets(0.1, 1.5, 20), "max 221s", in src/meta/src/rpc/metrics.rs
    /// of v3.0.x (main has latency_buckets(600.0, 20): risingwave.md section 3). Assumed the same in v2.5 and v2.7.
    /// </summary>
    public static IReadOnlyList<double> BarrierBuckets { get; } = [.. Enumerable.Range(0, 20).Select(i => 0.1 * Math.Pow(1.5, i))];

    [Flags]
    private enum Process
    {
        Compute = 1,
        Meta = 2,
        Compactor = 4,
    }

    /// <summary>One metric: who exports it, when it exists, its series at <c>t</c> seconds, and where that is written.</summary>
    private sealed record Fact(string Metric, string Type, Process On, Func<Shape, bool> Exists, Func<Shape, Process, double, string> Series, string Source);

    private static readonly Fact[] Facts =
    [
        new("stream_actor_count", "gauge", Process.Compute, s => s.Version >= new Version(2, 1),
            (_, _, _) => "{fragment_id=\"1\"} 4",
            "src/stream/src/executor/monitor/streaming_stats.rs; registered from v2.1.0"),
        new("stream_actor_poll_duration", "counter", Process.Compute, s => s.TokioOn,
            (_, _, t) => Invariant($"{{actor_id=\"\",fragment_id=\"1\"}} {0.5 * 4 * 1e9 * t}"),
            "streaming_stats.rs; recorded only with enable_actor_tokio_metrics (default false up to v2.6.0, true from v2.7.0) or the Debug "
            + "metrics level (src/stream/src/task/stream_manager.rs); actor_id is masked below Debug"),
        new("stream_actor_output_buffer_blocking_duration_ns", "counter", Process.Compute, _ => true,
            (_, _, t) => Invariant($"{{actor_id=\"\",fragment_id=\"1\",downstream_fragment_id=\"2\"}} {0.1 * 4 * 1e9 * t}"),
            "streaming_stats.rs"),
        new("source_partition_input_count", "counter", Process.Compute, _ => true,
            (_, _, t) => Invariant($"{{actor_id=\"\",source_id=\"7\",partition=\"0\",source_name=\"orders\",fragment_id=\"1\"}} {Math.Floor(500 * t)}"),
            "src/connector/src/source/monitor/metrics.rs: messages read per partition"),
        new("source_latest_message_id", "gauge", Process.Compute, _ => true,
            (_, _, t) => Invariant($"{{source_id=\"7\",partition=\"0\",actor_id=\"\"}} {Math.Floor(500 * t) - 1}"),
            "src/connector/src/source/monitor/metrics.rs: the last offset read"),
        new("source_kafka_high_watermark", "gauge", Process.Meta, _ => true,
            (_, _, t) => Invariant($"{{source_id=\"7\",partition=\"0\"}} {1000 + Math.Floor(500 * t)}"),
            "src/connector/src/source/monitor/metrics.rs, refreshed by meta"),
        new("process_cpu_seconds_total", "counter", Process.Compute | Process.Compactor, _ => true,
            (_, p, t) => Invariant($" {Math.Floor((p == Process.Compute ? ComputeCores : CompactorCores) * t)}"),
            "src/common/metrics/src/monitor/process.rs: an IntCounter of whole seconds"),
        new("process_cpu_core_num", "gauge", Process.Compute | Process.Compactor, _ => true,
            (s, p, _) => Invariant($" {Math.Floor(p == Process.Compute ? s.ComputeRequest : s.CompactorRequest)}"),
            "process.rs: the cgroup's cores, truncated to a whole number (a 1.5-core limit reads 1, half a core 0)"),
        new("meta_barrier_duration_seconds", "histogram", Process.Meta, _ => true, Barriers,
            "src/meta/src/rpc/metrics.rs: one series per database_id"),
        new("storage_compact_pending_bytes", "gauge", Process.Meta, _ => true,
            (_, _, _) => "{group=\"2\"} 1000000000",
            "src/meta/src/rpc/metrics.rs"),
        new("worker_num", "gauge", Process.Meta, _ => true,
            (_, _, _) => "{worker_type=\"WORKER_TYPE_COMPUTE_NODE\"} 1",
            "src/meta/src/rpc/metrics.rs"),
        new("storage_compact_task_pending_parallelism", "gauge", Process.Compactor, _ => true,
            (_, _, _) => " 2",
            "src/storage/src/monitor/compactor_metrics.rs: parallelism of the running tasks"),
    ];

    // One barrier a second, every one in the same bucket; the cumulative buckets as Prometheus' text format writes them.
    private static string Barriers(Shape shape, Process process, double t)
    {
        var latency = shape.Congested ? 250 : 0.4;
        var count = Math.Floor(t);
        var lines = new StringBuilder();
        foreach (var le in BarrierBuckets)
        {
            lines.Append(CultureInfo.InvariantCulture, $"meta_barrier_duration_seconds_bucket{{database_id=\"1\",le=\"{le:R}\"}} {(latency <= le ? count : 0)}\n");
        }

        lines.Append(CultureInfo.InvariantCulture, $"meta_barrier_duration_seconds_bucket{{database_id=\"1\",le=\"+Inf\"}} {count}\n");
        lines.Append(CultureInfo.InvariantCulture, $"meta_barrier_duration_seconds_sum{{database_id=\"1\"}} {count * latency}\n");
        return lines.Append(CultureInfo.InvariantCulture, $"meta_barrier_duration_seconds_count{{database_id=\"1\"}} {count}").ToString();
    }

    /// <summary>The exposition of each scrape target (its process) of a cluster of this shape, <paramref name="t"/> seconds after it started.</summary>
    public static IReadOnlyDictionary<string, string> Targets(Shape shape, double t)
    {
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        var processes = shape.Standalone
            ? new[] { ("standalone", Process.Compute | Process.Meta | Process.Compactor) }
            : [("compute", Process.Compute), ("meta", Process.Meta), ("compactor", Process.Compactor)];
        foreach (var (target, runs) in processes)
        {
            var text = new StringBuilder();
            foreach (var fact in Facts.Where(f => (f.On & runs) != 0 && f.Exists(shape)))
            {
                // A standalone process exports its process metrics once, as the compute node's.
                var process = (fact.On & runs & Process.Compute) != 0 ? Process.Compute : fact.On & runs;
                var series = fact.Series(shape, process, t);
                text.Append(CultureInfo.InvariantCulture, $"# TYPE {fact.Metric} {fact.Type}\n")
                    .Append(fact.Type == "histogram" ? series : fact.Metric + series).Append('\n');
            }

            targets[target] = text.ToString();
        }

        if (shape.KubeStateMetrics)
        {
            targets[KubeStateMetricsTarget] = CpuRequests(shape);
        }

        return targets;
    }

    private const string KubeStateMetricsTarget = "kube-state-metrics";

    // kube-state-metrics' view of the pods (kube_pod_container_resource_requests: namespace, pod, container, node,
    // resource, unit), labelled by itself: its target carries no namespace or pod.
    private static string CpuRequests(Shape shape)
    {
        var text = new StringBuilder("# TYPE kube_pod_container_resource_requests gauge\n");
        IEnumerable<(string Pod, double Cores)> pods = shape.Standalone
            ? [(Pod(shape, "standalone"), shape.ComputeRequest)]
            : [(Pod(shape, "compute"), shape.ComputeRequest), (Pod(shape, "compactor"), shape.CompactorRequest), (Pod(shape, "meta"), 1)];
        foreach (var (pod, cores) in pods)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"kube_pod_container_resource_requests{{namespace=\"{shape.Namespace}\",pod=\"{pod}\",uid=\"{pod}\",container=\"risingwave\",node=\"node-1\",resource=\"cpu\",unit=\"core\"}} {cores}\n");
        }

        return text.ToString();
    }

    private static string Pod(Shape shape, string process) => $"{shape.Cluster}-{process}-0";

    /// <summary>
    /// A real Prometheus scraping every shape at once, each as its own cluster, one
    /// target per process with the ServiceMonitor's labels (and one kube-state-metrics target per shape).
    /// </summary>
    public static async Task<ScrapedExporter> ServeAsync(IReadOnlyList<Shape> shapes)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var targets = new Dictionary<string, Func<string>>(StringComparer.Ordinal);
        var labels = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var shape in shapes)
        {
            foreach (var target in Targets(shape, 0).Keys)
            {
                var path = $"{shape.Cluster}/{target}";
                targets[path] = () => Targets(shape, started.Elapsed.TotalSeconds)[target];
                labels[path] = target == KubeStateMetricsTarget
                    ? new Dictionary<string, string> { ["job"] = "kube-state-metrics" }
                    : new Dictionary<string, string> { ["namespace"] = shape.Namespace, ["risingwave_name"] = shape.Cluster, ["risingwave_component"] = target, ["pod"] = Pod(shape, target) };
            }
        }

        // Every 2 s (and a 2 s scrape timeout): a test process busy with other tests may answer a scrape late, and a
        // failed scrape marks every series stale at once.
        var cluster = await ScrapedExporter.StartAsync(targets, path => labels[path], TimeSpan.FromSeconds(2), scrapes: 3);
        Assert.NotNull(cluster.Prometheus);
        return cluster;
    }
}

/// <summary>
/// Every shape served once for a test class, scraped until rate() over 10 s spans its whole window, and the catalogue's
/// signals read then.
/// </summary>
public sealed class ShapesOnPrometheus : IAsyncLifetime
{
    private ScrapedExporter? _served;

    internal ScrapedExporter Served => _served ?? throw new InvalidOperationException("not started");

    /// <summary>Every catalogue signal per (cluster, component) series; component "" for cluster-wide signals.</summary>
    internal Dictionary<(string Cluster, Policies.Model.Signal Signal, string Component), double> Signals { get; } = [];

    public async Task InitializeAsync()
    {
        _served = await RisingWaveShapes.ServeAsync(RisingWaveShapes.All);
        await Task.Delay(TimeSpan.FromSeconds(8)); // three scrapes are behind us: five more, so rate() spans its window
        using var client = new RwAutoscaler.Autoscaler.Prometheus.PrometheusClient(new RwAutoscaler.Autoscaler.Prometheus.PrometheusOptions { Address = _served.Prometheus!.Address });
        var catalogue = new RwAutoscaler.Autoscaler.Metrics.SignalCatalogue(new RwAutoscaler.Autoscaler.Metrics.CatalogueOptions { RateWindow = TimeSpan.FromSeconds(10) });
        foreach (var query in catalogue.Queries)
        {
            foreach (var series in (await client.QueryAsync(query.PromQL, DateTimeOffset.UtcNow, CancellationToken.None)).Series)
            {
                Signals[(series.Label("risingwave_name") ?? "", query.Signal, series.Label("risingwave_component") ?? "")] = series.Samples[^1].Value;
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_served is not null)
        {
            await _served.DisposeAsync();
        }
    }
}
