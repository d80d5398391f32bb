using System.Globalization;
using Prometheus;

namespace RwAutoscaler.Autoscaler.Tests.Fixtures;

/// <summary>What a RisingWave cluster is doing right now, in the units of its own metrics.</summary>
internal sealed record RisingWaveLoad
{
    /// <summary>Messages/s the producers write to the source topic.</summary>
    public double IngestRate { get; init; }

    /// <summary>Rows/s the sources emit into the dataflow (one row per message).</summary>
    public double ProcessedRate { get; init; }

    /// <summary>Busy share of the bottleneck fragment's actors, 0..1.</summary>
    public double BusyRatio { get; init; }

    public double BackpressureRatio { get; init; }

    public double ComputeCpu { get; init; }

    public double CompactorCpu { get; init; }

    /// <summary>Seconds each barrier takes (observed once per barrier interval).</summary>
    public double BarrierLatency { get; init; } = 0.2;

    public double CompactionPendingBytes { get; init; }

    public double CompactionRunningSlots { get; init; }

    public bool WriteStop { get; init; }
}

/// <summary>
/// One simulated RisingWave cluster's pods, each with the metrics the real process exposes under RisingWave's own
/// names and labels (risingwave.md section 3): compute pods (source, actor and CPU metrics), one meta pod (Kafka high
/// watermark, barrier latency, compaction backlog, write stop, workers) and compactor pods. Counters grow with
/// <see cref="Advance"/>. RisingWave's counters without a <c>_total</c> suffix are exposed with TYPE gauge, because
/// our exposition (src/Hosting) names counters *_total; Prometheus' rate() reads them the same.
/// </summary>
internal sealed class SimulatedRisingWave
{
    private const double Nanos = 1e9;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Pod> _pods = new(StringComparer.Ordinal);
    private double _produced;
    private double _consumed;
    private double _sinceWatermark;
    private double _sinceBarrier;

    public SimulatedRisingWave(string ns, string name, int partitions = 8, double computeCores = 4, double compactorCores = 2, double initialLag = 0)
    {
        Namespace = ns;
        Name = name;
        Partitions = partitions;
        ComputeCores = computeCores;
        CompactorCores = compactorCores;
        _produced = initialLag;
    }

    public string Namespace { get; }

    public string Name { get; }

    public int Partitions { get; }

    public double ComputeCores { get; }

    public double CompactorCores { get; }

    /// <summary>Kafka's high watermark is read by meta every 30 s in RisingWave; tests shorten it.</summary>
    public TimeSpan WatermarkRefresh { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan BarrierInterval { get; init; } = TimeSpan.FromSeconds(1);

    public RisingWaveLoad Load { get; set; } = new();

    /// <summary>Compute pods that run (ready) now; the others answer 404, as a pod that is gone.</summary>
    public int ComputeReplicas { get; set; } = 1;

    public int CompactorReplicas { get; set; } = 1;

    public double Lag
    {
        get
        {
            using var scope = _lock.EnterScope();
            return _produced - _consumed;
        }
    }

    public static string ComputePod(string name, int i) => $"{name}-compute-{i}";

    public static string CompactorPod(string name, int i) => $"{name}-compactor-{i}";

    public static string MetaPod(string name) => $"{name}-meta-0";

    /// <summary>Where this cluster's pods' CPU requests are served, as kube-state-metrics serves them for the whole Kubernetes cluster.</summary>
    public static string KubeStateMetrics(string name) => $"{name}-kube-state-metrics";

    /// <summary>The labels Prometheus attaches through the upstream operator's ServiceMonitor (risingwave.md section 2.3).</summary>
    public IReadOnlyDictionary<string, string> TargetLabels(string pod, string component) => new Dictionary<string, string>
    {
        ["namespace"] = Namespace,
        ["risingwave_name"] = Name,
        ["risingwave_component"] = component,
        ["pod"] = pod,
        ["service"] = $"{Name}-{component}",
        ["job"] = $"{Name}-{component}",
        ["endpoint"] = "metrics",
        ["container"] = component,
    };

    /// <summary>Scrape targets for up to the given number of pods per component (pods beyond the replicas answer 404).</summary>
    public IEnumerable<ScrapeTarget> Targets(Uri exporter, int maxCompute, int maxCompactor)
    {
        yield return new ScrapeTarget(exporter, PathOf(MetaPod(Name)), TargetLabels(MetaPod(Name), "meta"));
        // kube-state-metrics labels its series with the pod's namespace and name itself; its target has neither.
        yield return new ScrapeTarget(exporter, PathOf(KubeStateMetrics(Name)), new Dictionary<string, string> { ["job"] = "kube-state-metrics" });
        for (var i = 0; i < maxCompute; i++)
        {
            yield return new ScrapeTarget(exporter, PathOf(ComputePod(Name, i)), TargetLabels(ComputePod(Name, i), "compute"));
        }

        for (var i = 0; i < maxCompactor; i++)
        {
            yield return new ScrapeTarget(exporter, PathOf(CompactorPod(Name, i)), TargetLabels(CompactorPod(Name, i), "compactor"));
        }
    }

    public string PathOf(string pod) => $"/{Namespace}/{pod}/metrics";

    /// <summary>Moves the counters on by <paramref name="elapsed"/> at the current load.</summary>
    public void Advance(TimeSpan elapsed)
    {
        var dt = elapsed.TotalSeconds;
        using var scope = _lock.EnterScope();
        var load = Load;
        _produced += load.IngestRate * dt;
        _consumed = Math.Min(_produced, _consumed + (load.ProcessedRate * dt));
        var compute = Math.Max(0, ComputeReplicas);
        for (var i = 0; i < compute; i++)
        {
            var pod = PodOf(ComputePod(Name, i));
            var actors = ComputeCores;
            for (var a = 0; a < (int)actors; a++)
            {
                var actor = ((i * 100) + a).ToString(CultureInfo.InvariantCulture);
                pod.Gauge("stream_source_output_rows_counts", "Rows emitted by the source executor", "source_id", "source_name", "actor_id", "fragment_id")
                    .WithLabels("1", "orders", actor, "1").Inc(load.ProcessedRate / compute / actors * dt);
            }

            pod.Gauge("stream_actor_poll_duration", "Actor busy time, ns", "actor_id", "fragment_id").WithLabels("", "1").Inc(load.BusyRatio * 0.5 * actors * Nanos * dt);
            pod.Gauge("stream_actor_poll_duration", "Actor busy time, ns", "actor_id", "fragment_id").WithLabels("", "2").Inc(load.BusyRatio * actors * Nanos * dt);
            pod.Gauge("stream_actor_count", "Actors of the fragment on this node", "fragment_id").WithLabels("1").Set(actors);
            pod.Gauge("stream_actor_count", "Actors of the fragment on this node", "fragment_id").WithLabels("2").Set(actors);
            pod.Gauge("stream_actor_output_buffer_blocking_duration_ns", "Output blocked by a full downstream channel, ns", "actor_id", "fragment_id", "downstream_fragment_id")
                .WithLabels("", "1", "2").Inc(load.BackpressureRatio * actors * Nanos * dt);
            var latest = pod.Gauge("source_latest_message_id", "Last offset read per partition", "source_id", "actor_id", "partition");
            var read = pod.Gauge("source_partition_input_count", "Messages read per partition", "actor_id", "source_id", "partition", "source_name", "fragment_id");
            for (var p = 0; p < Partitions; p++)
            {
                var actor = ((i * 100) + (p % (int)actors)).ToString(CultureInfo.InvariantCulture);
                if (p % compute == i)
                {
                    read.WithLabels("", "1", p.ToString(CultureInfo.InvariantCulture), "orders", "1").Inc(load.ProcessedRate / Partitions * dt);
                }

                if (p % compute == i && _consumed >= Partitions)
                {
                    latest.WithLabels("1", actor, p.ToString(CultureInfo.InvariantCulture)).Set(Math.Floor(_consumed / Partitions) - 1);
                }
                else
                {
                    latest.RemoveLabelled("1", actor, p.ToString(CultureInfo.InvariantCulture));
                }
            }

            pod.Cpu(load.ComputeCpu * ComputeCores * dt, ComputeCores);
        }

        var meta = PodOf(MetaPod(Name));
        _sinceWatermark += dt;
        if (_sinceWatermark >= WatermarkRefresh.TotalSeconds)
        {
            _sinceWatermark = 0;
            for (var p = 0; p < Partitions; p++)
            {
                meta.Gauge("source_kafka_high_watermark", "Kafka high watermark per partition", "source_id", "partition")
                    .WithLabels("1", p.ToString(CultureInfo.InvariantCulture)).Set(Math.Floor(_produced / Partitions));
            }
        }

        _sinceBarrier += dt;
        var barrier = meta.Histogram("meta_barrier_duration_seconds", "Barrier latency", [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 150, 300, 600], "database_id");
        while (_sinceBarrier >= BarrierInterval.TotalSeconds)
        {
            _sinceBarrier -= BarrierInterval.TotalSeconds;
            barrier.WithLabels("1").Observe(load.BarrierLatency);
        }

        meta.Gauge("storage_compact_pending_bytes", "LSM bytes to compact to reach balance", "group").WithLabels("2").Set(load.CompactionPendingBytes);
        var stop = meta.Gauge("storage_write_stop_compaction_groups", "Compaction groups in write stop", "compaction_group_id");
        if (load.WriteStop)
        {
            stop.WithLabels("2").Set(1);
        }
        else
        {
            stop.RemoveLabelled("2");
        }

        meta.Gauge("worker_num", "Workers by type", "worker_type").WithLabels("WORKER_TYPE_COMPUTE_NODE").Set(compute);
        meta.Gauge("worker_num", "Workers by type", "worker_type").WithLabels("WORKER_TYPE_COMPACTOR").Set(CompactorReplicas);
        for (var j = 0; j < CompactorReplicas; j++)
        {
            var pod = PodOf(CompactorPod(Name, j));
            pod.Gauge("storage_compact_task_pending_parallelism", "Parallelism of running compaction tasks").Set(load.CompactionRunningSlots / CompactorReplicas);
            pod.Cpu(load.CompactorCpu * CompactorCores * dt, CompactorCores);
        }
    }

    /// <summary>The exposition of one pod, or null when the pod does not run.</summary>
    public string? Render(string pod)
    {
        using var scope = _lock.EnterScope();
        if (pod == KubeStateMetrics(Name))
        {
            return CpuRequests();
        }

        if (!Runs(pod))
        {
            return null;
        }

        return _pods.TryGetValue(pod, out var p) ? p.Render() : "";
    }

    // kube-state-metrics' kube_pod_container_resource_requests for the pods that exist, each requesting its cores.
    private string CpuRequests()
    {
        var text = new System.Text.StringBuilder("# TYPE kube_pod_container_resource_requests gauge\n");
        void Add(string pod, string container, double cores) => text.Append(CultureInfo.InvariantCulture,
            $"kube_pod_container_resource_requests{{namespace=\"{Namespace}\",pod=\"{pod}\",uid=\"{pod}-uid\",container=\"{container}\",node=\"node-1\",resource=\"cpu\",unit=\"core\"}} {cores}\n");
        for (var i = 0; i < ComputeReplicas; i++)
        {
            Add(ComputePod(Name, i), "compute", ComputeCores);
        }

        for (var i = 0; i < CompactorReplicas; i++)
        {
            Add(CompactorPod(Name, i), "compactor", CompactorCores);
        }

        return text.ToString();
    }

    private bool Runs(string pod)
    {
        if (pod == MetaPod(Name))
        {
            return true;
        }

        for (var i = 0; i < ComputeReplicas; i++)
        {
            if (pod == ComputePod(Name, i))
            {
                return true;
            }
        }

        for (var i = 0; i < CompactorReplicas; i++)
        {
            if (pod == CompactorPod(Name, i))
            {
                return true;
            }
        }

        return false;
    }

    private Pod PodOf(string name)
    {
        if (!_pods.TryGetValue(name, out var pod))
        {
            pod = new Pod();
            _pods[name] = pod;
        }

        return pod;
    }

    private sealed class Pod
    {
        private double _cpuFraction;

        public Pod()
        {
            Metrics = global::Prometheus.Metrics.WithCustomRegistry(Registry);
        }

        public CollectorRegistry Registry { get; } = global::Prometheus.Metrics.NewCustomRegistry();

        private MetricFactory Metrics { get; }

        public Gauge Gauge(string name, string help, params string[] labels) => Metrics.CreateGauge(name, help, labels);

        public Histogram Histogram(string name, string help, double[] buckets, params string[] labels) =>
            Metrics.CreateHistogram(name, help, labels, new HistogramConfiguration { Buckets = buckets });

        /// <summary>The exposition in the text format, as a RisingWave pod serves it.</summary>
        public string Render()
        {
            using var text = new MemoryStream();
            Registry.CollectAndExportAsTextAsync(text).GetAwaiter().GetResult();
            return System.Text.Encoding.UTF8.GetString(text.ToArray());
        }

        // RisingWave's process_cpu_seconds_total is an IntCounter of whole seconds (risingwave.md section 3.5).
        public void Cpu(double seconds, double cores)
        {
            _cpuFraction += seconds;
            var whole = Math.Floor(_cpuFraction);
            _cpuFraction -= whole;
            Metrics.CreateCounter("process_cpu_seconds_total", "CPU seconds, whole seconds").Inc(whole);
            Metrics.CreateGauge("process_cpu_core_num", "Cores available to the process").Set(cores);
        }
    }
}
