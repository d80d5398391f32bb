using RwAutoscaler.Autoscaler.Tests.Fixtures;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Doctor;

/// <summary>
/// What a RisingWave exports, per version and set-up, as Prometheus scrapes it with the operator's ServiceMonitor
/// (namespace, risingwave_name and risingwave_component from its targetLabels: risingwave.md section 2.3). Metric
/// names and labels from risingwave.md section 3 (src/stream/src/executor/monitor/streaming_stats.rs,
/// src/connector/src/source/monitor/metrics.rs, src/meta/src/rpc/metrics.rs); presence per version from issue 19's
/// reading of risingwavelabs/risingwave v2.5.0, v3.0.3 and main:
/// - stream_actor_count exists from v2.1.0;
/// - stream_actor_poll_duration needs [streaming.developer] enable_actor_tokio_metrics (default false up to v2.6.0,
///   true from v2.7.0) or the Debug metrics level (src/stream/src/task/stream_manager.rs);
/// - in standalone mode every process is one, labelled risingwave_component="standalone";
/// - process_cpu_core_num is truncated to whole cores, so a limit under one core reads 0.
/// </summary>
internal static class RisingWaveShapes
{
    public const string V25 = "v2.5";
    public const string V30 = "v3.0";
    public const string Standalone = "standalone";
    public const string FractionalCpu = "fractional-cpu";

    /// <summary>The exposition of each scrape target (its component) of a cluster of this shape.</summary>
    public static IReadOnlyDictionary<string, string> Targets(string shape)
    {
        var tokio = shape is V30 or Standalone or FractionalCpu;
        var cores = shape == FractionalCpu ? 0 : 4;
        var compute = $"""
            # TYPE stream_actor_count gauge
            stream_actor_count{"{"}fragment_id="1"{"}"} 4
            # TYPE stream_actor_output_buffer_blocking_duration_ns counter
            stream_actor_output_buffer_blocking_duration_ns{"{"}fragment_id="1",downstream_fragment_id="2"{"}"} 100
            # TYPE source_partition_input_count counter
            source_partition_input_count{"{"}actor_id="",source_id="7",partition="0",source_name="orders",fragment_id="1"{"}"} 1000
            # TYPE source_latest_message_id gauge
            source_latest_message_id{"{"}source_id="7",partition="0",actor_id=""{"}"} 900
            # TYPE process_cpu_seconds_total counter
            process_cpu_seconds_total 12
            # TYPE process_cpu_core_num gauge
            process_cpu_core_num {cores}
            {(tokio ? "# TYPE stream_actor_poll_duration counter\nstream_actor_poll_duration{fragment_id=\"1\"} 1000000000\n" : "")}
            """;
        const string Meta = """
            # TYPE source_kafka_high_watermark gauge
            source_kafka_high_watermark{source_id="7",partition="0"} 1000
            # TYPE meta_barrier_duration_seconds histogram
            meta_barrier_duration_seconds_bucket{database_id="1",le="0.5"} 10
            meta_barrier_duration_seconds_bucket{database_id="1",le="+Inf"} 10
            meta_barrier_duration_seconds_sum{database_id="1"} 2
            meta_barrier_duration_seconds_count{database_id="1"} 10
            # TYPE storage_compact_pending_bytes gauge
            storage_compact_pending_bytes{group="2"} 1000000000
            # TYPE worker_num gauge
            worker_num{worker_type="WORKER_TYPE_COMPUTE_NODE"} 1
            """;
        const string Compactor = """
            # TYPE storage_compact_task_pending_parallelism gauge
            storage_compact_task_pending_parallelism 2
            # TYPE process_cpu_seconds_total counter
            process_cpu_seconds_total 3
            # TYPE process_cpu_core_num gauge
            process_cpu_core_num 2
            """;
        return shape == Standalone
            ? new Dictionary<string, string> { ["standalone"] = compute + "\n" + Meta }
            : new Dictionary<string, string> { ["compute"] = compute, ["meta"] = Meta, ["compactor"] = Compactor };
    }

    /// <summary>A real Prometheus scraping streaming/rw shaped as <paramref name="shape"/>, one target per component with the ServiceMonitor's labels.</summary>
    public static async Task<ScrapedExporter> ServeAsync(string shape)
    {
        // Every 2 s (and a 2 s scrape timeout): a test process busy with other tests may answer a scrape late, and a
        // failed scrape marks every series stale at once.
        var cluster = await ScrapedExporter.StartAsync(
            Targets(shape),
            component => new Dictionary<string, string> { ["namespace"] = "streaming", ["risingwave_name"] = "rw", ["risingwave_component"] = component },
            TimeSpan.FromSeconds(2),
            scrapes: 3);
        Assert.NotNull(cluster.Prometheus);
        return cluster;
    }
}
