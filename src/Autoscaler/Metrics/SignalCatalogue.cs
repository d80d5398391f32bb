using System.Globalization;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>
/// The engine's signals as PromQL over RisingWave's own metric names, built from the queries of RisingWave's Grafana
/// dashboards (risingwave.md sections 3.1-3.10). Every query aggregates <c>by (namespace, risingwave_name)</c> (plus the
/// component for per-component signals), so one query answers for every cluster: the number of queries per tick is
/// the number of signals, whatever the number of clusters. docs/signals.md explains each query.
/// </summary>
internal sealed class SignalCatalogue
{
    private readonly CatalogueOptions _options;
    private readonly string _cluster;
    private readonly string _component;
    private readonly string _window;

    public SignalCatalogue(CatalogueOptions? options = null)
    {
        _options = options ?? new CatalogueOptions();
        if (_options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        _cluster = $"{_options.NamespaceLabel}, {_options.ClusterLabel}";
        _component = _options.GroupLabel is { } group ? $"{_cluster}, {_options.ComponentLabel}, {group}" : $"{_cluster}, {_options.ComponentLabel}";
        _window = FormatDuration(_options.RateWindow);
        Queries = Build(null);
    }

    public CatalogueOptions Options => _options;

    /// <summary>One query per signal, for every cluster the selector lets through.</summary>
    public IReadOnlyList<SignalQuery> Queries { get; }

    /// <summary>
    /// The same queries restricted to some clusters (a backfill for clusters just added, a dry-run of one cluster). Still
    /// one query per signal: the clusters become two regex matchers.
    /// </summary>
    public IReadOnlyList<SignalQuery> For(IReadOnlyCollection<ClusterRef> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        if (clusters.Count == 0)
        {
            throw new ArgumentException("at least one cluster", nameof(clusters));
        }

        return Build(ClusterMatchers(clusters));
    }

    /// <summary>
    /// CPU cores each compute and compactor pod uses, per pod: what HPA divides by the pod's CPU request (from the pod
    /// informer) for its per-pod rules. One query for all the clusters, or for those named.
    /// </summary>
    public string PodCpuQuery(IReadOnlyCollection<ClusterRef>? only)
    {
        var restriction = only is null || only.Count == 0 ? "" : ClusterMatchers(only);
        var selector = string.Join(',', new[] { $"{_options.ComponentLabel}=~\"compute|compactor\"", _options.Selector, restriction }.Where(m => m.Length > 0));
        return $"sum by ({_cluster}, {_options.PodLabel}) (rate(process_cpu_seconds_total{{{selector}}}[{_window}]))";
    }

    // Some clusters as two regex matchers, so that one query still serves them all.
    private string ClusterMatchers(IEnumerable<ClusterRef> clusters) =>
        $"{_options.NamespaceLabel}=~{PromQLText.Quote(PromQLText.Alternation(clusters.Select(c => c.Namespace)))},"
        + $"{_options.ClusterLabel}=~{PromQLText.Quote(PromQLText.Alternation(clusters.Select(c => c.Name)))}";

    /// <summary>The cluster and pod a series of <see cref="PodCpuQuery"/> belongs to.</summary>
    public bool TryPodKey(Series series, out ClusterRef cluster, out string pod)
    {
        ArgumentNullException.ThrowIfNull(series);
        cluster = default;
        pod = series.Label(_options.PodLabel) ?? "";
        if (series.Label(_options.NamespaceLabel) is not { Length: > 0 } ns || series.Label(_options.ClusterLabel) is not { Length: > 0 } name || pod.Length == 0)
        {
            return false;
        }

        cluster = new ClusterRef(ns, name);
        return true;
    }

    /// <summary>Which cluster, component and node group a result series belongs to; false when it names no cluster.</summary>
    public bool TryKey(SignalQuery query, Series series, out SeriesKey key)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(series);
        key = default;
        if (series.Label(_options.NamespaceLabel) is not { Length: > 0 } ns || series.Label(_options.ClusterLabel) is not { Length: > 0 } name)
        {
            return false;
        }

        if (query.Scope == SignalScope.Cluster)
        {
            key = new SeriesKey(new ClusterRef(ns, name), null, "");
            return true;
        }

        if (!ComponentKindNames.TryParse(series.Label(_options.ComponentLabel), out var kind))
        {
            return false;
        }

        var group = _options.GroupLabel is { } g ? series.Label(g) ?? "" : "";
        key = new SeriesKey(new ClusterRef(ns, name), kind, group);
        return true;
    }

    private SignalQuery[] Build(string? restriction)
    {
        string M(string metric, string matchers = "")
        {
            var all = string.Join(',', new[] { matchers, _options.Selector, restriction ?? "" }.Where(m => m.Length > 0));
            return all.Length == 0 ? metric : $"{metric}{{{all}}}";
        }

        var c = _cluster;
        var w = _window;
        var comp = _options.ComponentLabel;
        var ingest = $"sum by ({c}) (max by ({c}, source_id, partition) (deriv({M("source_kafka_high_watermark")}[{w}])))";
        var position = Position(c, M);
        var lag = $"sum by ({c}) (clamp_min("
            + $"max by ({c}, source_id, partition) ({M("source_kafka_high_watermark")})"
            + $" - on ({c}, source_id, partition) {position} - 1, 0))";
        return
        [
            new(Signal.IngestRate, SignalScope.Cluster, ingest,
                "Producers' rate: the growth of the Kafka high watermark that meta reads every ~30 s (a gauge, hence deriv). "
                + "max by partition first, so a second meta instance does not count twice."),
            new(Signal.ProcessedRate, SignalScope.Cluster,
                $"sum by ({c}) (rate({M("source_partition_input_count")}[{w}]))",
                "Messages the sources read, counted per partition (the dashboards' Source Throughput by partition): in messages, as the "
                + "Kafka offsets behind ingestRate and the lags are, where stream_source_output_rows_counts counts rows of every source kind "
                + "and leaves backfill out. Not masked by the metrics level."),
            new(Signal.BusyRatio, SignalScope.Cluster,
                $"clamp_max(max by ({c}) (sum by ({c}, fragment_id) (rate({M("stream_actor_poll_duration")}[{w}]))"
                + $" / on ({c}, fragment_id) clamp_min(sum by ({c}, fragment_id) ({M("stream_actor_count")}), 1)) / 1e9, 1)",
                "Busy time per actor of the busiest fragment (the dev dashboard's per-fragment busy, divided by stream_actor_count "
                + "because actor_id is masked below the Debug metrics level): the bottleneck sets the true processing rate."),
            new(Signal.BackpressureRatio, SignalScope.Cluster,
                $"clamp_max(max by ({c}) (sum by ({c}, fragment_id, downstream_fragment_id) (rate({M("stream_actor_output_buffer_blocking_duration_ns")}[{w}]))"
                + $" / ignoring (downstream_fragment_id) group_left clamp_min(sum by ({c}, fragment_id) ({M("stream_actor_count")}), 1)) / 1e9, 1)",
                "The worst fragment edge of the dashboards' Actor Output Blocking Rate: the share of time an actor's output waits "
                + "for a full downstream channel (< 0.3 healthy, > 0.7 saturated, per RisingWave's metrics reference)."),
            new(Signal.CpuUtilization, SignalScope.Component, CpuOverRequests(M),
                "CPU the processes use over the CPU their pods request (kube-state-metrics' kube_pod_container_resource_requests, "
                + "joined on the pod), summed over the component's pods: HPA's utilisation, weighted by request. Pods without a "
                + "request are left out of both sides. Not process_cpu_core_num: it truncates a fractional limit (1.5 cores reads "
                + "1, half a core 0). The counter counts whole seconds, so the window must be a minute or more. The daemon "
                + "measures each pod against the request in its pod informer first (docs/signals.md)."),
            new(Signal.BarrierLatencyP99, SignalScope.Cluster,
                $"max by ({c}) (histogram_quantile(0.99, sum by ({c}, database_id, le) (rate({M("meta_barrier_duration_seconds_bucket")}[{w}]))) >= 0)",
                "The dashboards' Barrier Latency p99, worst database: the freshness RisingWave promises. It climbs without "
                + "settling when the cluster is congested. A database with no barrier in the window has no quantile (NaN): >= 0 "
                + "leaves it out rather than report a number that is none. Beyond the histogram's last finite bucket the quantile "
                + "is that bucket's bound: barrierLatencyP99Capped says when."),
            new(Signal.SourceLagMessages, SignalScope.Cluster, lag,
                "The dashboards' Kafka Consumer Lag Size summed over partitions: high watermark (meta) minus the last offset read "
                + "(compute), both reduced to one value per partition first because they come from different pods; minus 1 "
                + "because the high watermark is the next offset. " + PositionWhy),
            new(Signal.SourceLagSeconds, SignalScope.Cluster, LagAge(c, M, position),
                "The age of the oldest unconsumed message, worst partition, as kafka-lag-exporter estimates it: the time the "
                + "high watermark reached the consumer's position, interpolated linearly in the watermark's history read at "
                + $"ages {LagAgesText} (each term is the share of one interval the position "
                + $"is behind; a history Prometheus does not hold counts nothing, and {FormatDuration(LagAges[^1])} is the ceiling). Unlike lag over "
                + "ingest rate, it stays a delay when ingest drops after a burst. " + PositionWhy),
            new(Signal.CompactionPendingBytes, SignalScope.Cluster,
                $"sum by ({c}) (max by ({c}, group) ({M("storage_compact_pending_bytes")}))",
                "Bytes the LSM tree needs compacted to reach balance, over all compaction groups (meta). RisingWave's sizing "
                + "rule divides its 10-minute mean by 4 GB per compactor core; the compaction policy averages it."),
            new(Signal.CompactionRunningSlots, SignalScope.Cluster,
                $"sum by ({c}) ({M("storage_compact_task_pending_parallelism", $"{comp}=\"compactor\"")})",
                "Parallelism of the compaction tasks running on the compactors (the gauge counts running tasks despite its name); "
                + "against 3 slots per core (compactor_max_task_multiplier) it is the compactors' slot utilisation."),
            new(Signal.L0WriteStop, SignalScope.Cluster,
                $"max by ({c}) ({M("storage_write_stop_compaction_groups")}) or 0 * group by ({c}) ({M("worker_num")})",
                "1 while any compaction group has stopped writes (L0 over its limit: the shipped Write Stall alert). Meta resets "
                + "the gauge and sets only stopped groups, so no series means no stop: 'or 0' over meta's worker_num keeps the "
                + "signal present (a missing signal would block every scale-down)."),
            new(Signal.BarrierLatencyP99Capped, SignalScope.Cluster, BarrierCapped(c, M),
                "1 while fewer than 99% of the barriers of some database fall within the histogram's last finite bucket (221 s "
                + "on v3.0, 600 s on main): the p99 then lies beyond it and barrierLatencyP99 reads the bucket's bound, a lower "
                + "bound. The largest cumulative finite bucket is the last one, so max over le finds it whatever the buckets are."),
        ];
    }

    // Per pod: cores used (RisingWave's own counter) and cores requested (kube-state-metrics, which labels the pod with
    // namespace and pod; renamed to the labels RisingWave's series carry when they differ).
    private string CpuOverRequests(Func<string, string, string> m)
    {
        var o = _options;
        var pod = $"{_component}, {o.PodLabel}";
        var used = $"sum by ({pod}) (rate({m("process_cpu_seconds_total", $"{o.ComponentLabel}=~\"compute|compactor\"")}[{_window}]))";
        return $"sum by ({_component}) ({used} and on ({o.NamespaceLabel}, {o.PodLabel}) {CpuRequests()}) / sum by ({_component}) ({RequestsOf(used)})";
    }

    /// <summary>Each pod's CPU request (kube-state-metrics), with the labels of <paramref name="podSeries"/>, one series per pod.</summary>
    public string RequestsOf(string podSeries) =>
        $"0 * {podSeries} + on ({_options.NamespaceLabel}, {_options.PodLabel}) group_left {CpuRequests()}";

    /// <summary>
    /// Cores each pod requests, from kube-state-metrics (one series per container; max first, so two kube-state-metrics
    /// replicas do not count twice), labelled with the namespace and pod label names RisingWave's series use.
    /// </summary>
    public string CpuRequests(string matchers = "")
    {
        var o = _options;
        var selector = string.Join(',', new[] { "resource=\"cpu\"", matchers }.Where(x => x.Length > 0));
        var requests = $"sum by (namespace, pod) (max by (namespace, pod, container) (kube_pod_container_resource_requests{{{selector}}}) > 0)";
        if (o.PodLabel != "pod")
        {
            requests = $"label_replace({requests}, \"{o.PodLabel}\", \"$1\", \"pod\", \"(.*)\")";
        }

        if (o.NamespaceLabel != "namespace")
        {
            requests = $"label_replace({requests}, \"{o.NamespaceLabel}\", \"$1\", \"namespace\", \"(.*)\")";
        }

        return requests;
    }

    private string BarrierCapped(string c, Func<string, string, string> m)
    {
        string Buckets(string le) => $"sum by ({c}, database_id, le) (rate({m("meta_barrier_duration_seconds_bucket", le)}[{_window}]))";
        var all = $"max by ({c}, database_id) ({Buckets("le=\"+Inf\"")})";
        var finite = $"max by ({c}, database_id) ({Buckets("le!=\"+Inf\"")})";
        return $"max by ({c}) ({finite} < bool 0.99 * {all})";
    }

    /// <summary>
    /// The last offset read per partition, held for <see cref="PositionHold"/> after its series goes away. A rescale
    /// rebuilds the source readers, and a rebuilt reader exports <c>source_latest_message_id</c> only once it has read
    /// a message: until then the partition would drop out of the lag (understating it) although nothing of it was
    /// consumed. Held, its lag keeps growing with the watermark, as it truly does. max picks the newest reader's offset.
    /// </summary>
    private static string Position(string c, Func<string, string, string> m) =>
        $"max by ({c}, source_id, partition) (last_over_time({m("source_latest_message_id", "")}[{FormatDuration(PositionHold)}]))";

    private static readonly TimeSpan PositionHold = TimeSpan.FromMinutes(10);

    private static string PositionWhy =>
        $"The last offset read is held {FormatDuration(PositionHold)} (last_over_time): a rescale rebuilds the readers, which "
        + "export it again only once they read a message, and a partition must not drop out of the lag meanwhile.";

    // The ages at which the watermark's history is read: fine where latency SLOs sit (a minute or two), coarse where
    // only "very late" matters. kafka-lag-exporter keeps a lookup table of a similar size (60 points by default).
    private static readonly TimeSpan[] LagAges =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4),
        TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2),
        TimeSpan.FromHours(4),
    ];

    // "0, 30s, ..., 2h and 4h", for the explanation.
    private static string LagAgesText =>
        string.Join(", ", LagAges[..^1].Select(a => a == TimeSpan.Zero ? "0" : FormatDuration(a))) + " and " + FormatDuration(LagAges[^1]);

    /// <summary>
    /// Per partition, the sum over the history's intervals of (interval length x the share of it during which the
    /// watermark was already past the consumer's position): clamp((W_newer - position) / (W_newer - W_older), 0, 1).
    /// Offsets are integers, so a denominator clamped to 1 only matters when the watermark did not move, and then
    /// the share is 0 or 1 as it should be. Plain PromQL, so the same query serves instant ticks, range backfills
    /// and recordings.
    /// </summary>
    private static string LagAge(string c, Func<string, string, string> m, string lastRead)
    {
        string Watermark(TimeSpan age) =>
            $"max by ({c}, source_id, partition) ({m("source_kafka_high_watermark", "")}{(age == TimeSpan.Zero ? "" : " offset " + FormatDuration(age))})";
        var position = $"({lastRead} + 1)";
        var terms = new List<string>();
        for (var i = 1; i < LagAges.Length; i++)
        {
            var (newer, older) = (Watermark(LagAges[i - 1]), Watermark(LagAges[i]));
            var seconds = (LagAges[i] - LagAges[i - 1]).TotalSeconds.ToString(CultureInfo.InvariantCulture);
            terms.Add($"(clamp(({newer} - {position}) / clamp_min({newer} - {older}, 1), 0, 1) * {seconds} or 0 * {position})");
        }

        return $"max by ({c}) ({string.Join(" + ", terms)})";
    }

    internal static string FormatDuration(TimeSpan value) =>
        value.TotalMilliseconds % 1000 != 0 ? $"{(long)value.TotalMilliseconds}ms"
        : value.TotalSeconds % 60 != 0 ? $"{(long)value.TotalSeconds}s"
        : value.TotalMinutes % 60 != 0 ? $"{(long)value.TotalMinutes}m"
        : $"{(long)value.TotalHours}h";
}

/// <summary>Where a result series belongs: a cluster, and for per-component signals its component and node group.</summary>
internal readonly record struct SeriesKey(ClusterRef Cluster, ComponentKind? Component, string Group);
