using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Doctor;

/// <summary>
/// What the doctor found of one signal: whether the cluster has it, what reads it, and why not and what to change.
/// Not <paramref name="Blocking"/> when every policy that reads it has another way to its numbers.
/// </summary>
internal sealed record Finding(string Signal, IReadOnlyList<string> NeededBy, bool Present, string Detail, string? Fix = null, bool Blocking = true);

/// <summary>
/// Checks, against the Prometheus a cluster is read from, every signal its policies need, the way the daemon reads
/// them (the catalogue's queries restricted to the cluster, and the spec's custom signals). A signal that is absent
/// is explained by probing the RisingWave metrics its query reads, in the order their absence is most telling, so
/// that the finding names the RisingWave version, setting or scrape label to change (docs/signals.md, compatibility).
/// </summary>
internal sealed class SignalDoctor(IPrometheusClient client, SignalCatalogue catalogue)
{
    private sealed record Probe(string Metric, string Matchers, string Why, string Fix, string Condition = "", RequestsProbe Requests = RequestsProbe.None);

    // kube-state-metrics' series name the namespace and pod but not the cluster: they are probed by joining them to its pods.
    private enum RequestsProbe { None, Any, OfTheClustersPods }

    private const string NotScrapedFix = "scrape it with the operator's ServiceMonitor (spec.enableDefaultServiceMonitor), whose targetLabels add risingwave_name and risingwave_component";
    private const string TokioFix = "set enable_actor_tokio_metrics = true under [streaming.developer] in risingwave.toml (the default from v2.7.0), or [server] metrics_level = \"Debug\"";

    // Per signal, the metrics its query reads, most telling first (risingwave.md section 3; issue 19's findings).
    private static readonly Dictionary<Signal, Probe[]> Probes = new()
    {
        [Signal.BusyRatio] =
        [
            new("stream_actor_count", "", "stream_actor_count is absent: RisingWave before v2.1.0 does not export it", "upgrade RisingWave to v2.1.0 or later"),
            new("stream_actor_poll_duration", "", "stream_actor_poll_duration is absent: actor tokio metrics are off (the default up to v2.6)", TokioFix),
        ],
        [Signal.BackpressureRatio] =
        [
            new("stream_actor_count", "", "stream_actor_count is absent: RisingWave before v2.1.0 does not export it", "upgrade RisingWave to v2.1.0 or later"),
            new("stream_actor_output_buffer_blocking_duration_ns", "", "stream_actor_output_buffer_blocking_duration_ns is absent: no actor has sent downstream yet", "create a streaming job, or wait for data to flow"),
        ],
        [Signal.IngestRate] = [new("source_kafka_high_watermark", "", "source_kafka_high_watermark is absent: no Kafka source, or meta has not read its watermarks yet", "ingestRate and source lag exist for Kafka sources only")],
        [Signal.SourceLagMessages] =
        [
            new("source_kafka_high_watermark", "", "source_kafka_high_watermark is absent: no Kafka source, or meta has not read its watermarks yet", "source lag exists for Kafka sources only"),
            new("source_latest_message_id", "", "source_latest_message_id is absent: no source has read a message yet", "wait for the sources to read, or check that they are not paused"),
        ],
        [Signal.ProcessedRate] = [new("source_partition_input_count", "", "source_partition_input_count is absent: no source has read a partition yet", "create a source and a streaming job on it, or wait for it to read")],
        [Signal.CpuUtilization] =
        [
            new("process_cpu_seconds_total", "{component}=~\"compute|compactor\"", "no compute or compactor process is scraped", NotScrapedFix),
            new("process_cpu_seconds_total", "{component}=~\"compute|compactor\",{pod}!=\"\"", "RisingWave's series carry no pod label: their CPU cannot be matched to the pods' CPU requests",
                "keep the pod label Prometheus' Kubernetes discovery adds (the operator's ServiceMonitor does)"),
            new("kube_pod_container_resource_requests", "", "kube_pod_container_resource_requests is absent: kube-state-metrics is not scraped, and cpuUtilization is measured against the pods' CPU requests",
                "scrape kube-state-metrics (kube-prometheus-stack does); meanwhile the daemon measures per-pod rules against the requests in its pod informer", Requests: RequestsProbe.Any),
            new("kube_pod_container_resource_requests", "", "kube-state-metrics reports no CPU request for the cluster's compute and compactor pods",
                "set resources.requests.cpu in the compute and compactor pod templates", Requests: RequestsProbe.OfTheClustersPods),
        ],
        [Signal.BarrierLatencyP99] = [new("meta_barrier_duration_seconds_bucket", "", "meta's barrier histogram is absent: meta is not scraped", NotScrapedFix)],
        [Signal.CompactionPendingBytes] = [new("storage_compact_pending_bytes", "", "storage_compact_pending_bytes is absent: meta is not scraped, or no compaction group exists yet", NotScrapedFix)],
        [Signal.CompactionRunningSlots] = [new("storage_compact_task_pending_parallelism", "{component}=\"compactor\"", "no compactor is scraped", NotScrapedFix)],
        [Signal.L0WriteStop] = [new("worker_num", "", "meta's worker_num is absent: meta is not scraped", NotScrapedFix)],
    };

    static SignalDoctor()
    {
        Probes[Signal.SourceLagSeconds] = Probes[Signal.SourceLagMessages];
        Probes[Signal.BarrierLatencyP99Capped] = Probes[Signal.BarrierLatencyP99];
    }

    /// <summary>
    /// The policies ("component/policy", as in <see cref="Needs"/>) that read cpuUtilization only as a Pods metric: the
    /// daemon measures those per pod against the requests in its pod informer, without kube-state-metrics.
    /// </summary>
    public static IReadOnlySet<string> PerPodCpuReaders(AutoscalingSpec? spec) =>
        spec is null ? new HashSet<string>() : spec.Components
            .SelectMany(c => c.Policies.OfType<RwAutoscaler.Policies.BuiltIn.UtilizationPolicySpec>()
                .Where(p => p.Metrics.Where(m => m.Signal == Signal.CpuUtilization).All(m => m.Source == RwAutoscaler.Policies.BuiltIn.MetricSource.Pods))
                .Select(p => $"{c.Key}/{p.DisplayName}"))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The signals a spec's policies read, with the policies that read each; every catalogue signal without a spec.</summary>
    public static IReadOnlyDictionary<string, List<string>> Needs(AutoscalingSpec? spec)
    {
        var needs = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        if (spec is null)
        {
            foreach (var name in SignalNames.All)
            {
                needs[name] = ["the catalogue"];
            }

            return needs;
        }

        foreach (var component in spec.Components)
        {
            foreach (var policy in component.Policies)
            {
                foreach (var signal in policy.SignalsRead.Distinct())
                {
                    if (!needs.TryGetValue(signal.Name, out var readers))
                    {
                        readers = [];
                        needs[signal.Name] = readers;
                    }

                    readers.Add($"{component.Key}/{policy.DisplayName}");
                }
            }
        }

        return needs;
    }

    public async Task<IReadOnlyList<Finding>> ExamineAsync(
        ClusterRef cluster, IReadOnlyDictionary<string, List<string>> needs, IReadOnlyList<CustomSignalSpec> custom, IReadOnlySet<string>? perPodCpuReaders,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(needs);
        ArgumentNullException.ThrowIfNull(custom);
        var findings = new List<Finding>();
        var labelled = await CountAsync("", "", cluster, at, cancellationToken);
        var standalone = await CountAsync("", $"{catalogue.Options.ComponentLabel}=\"standalone\"", cluster, at, cancellationToken);
        var queries = catalogue.For([cluster]);
        foreach (var (name, readers) in needs)
        {
            if (SignalNames.TryParse(name, out var signal))
            {
                var perPodOnly = perPodCpuReaders is not null && readers.All(perPodCpuReaders.Contains);
                var finding = await CatalogueSignalAsync(cluster, signal, queries.Single(q => q.Signal == signal), readers, labelled, standalone, perPodOnly, at, cancellationToken);
                if (signal == Signal.BarrierLatencyP99 && finding.Present
                    && await CappedAsync(cluster, queries.Single(q => q.Signal == Signal.BarrierLatencyP99Capped), at, cancellationToken))
                {
                    finding = finding with { Detail = $"at least {finding.Detail} (the histogram's last bucket)" };
                }

                findings.Add(finding);
            }
            else if (custom.FirstOrDefault(c => c.Name == name) is { } definition)
            {
                findings.Add(await CustomSignalAsync(cluster, definition, readers, at, cancellationToken));
            }
        }

        return findings;
    }

    private async Task<Finding> CatalogueSignalAsync(
        ClusterRef cluster, Signal signal, SignalQuery query, List<string> readers, int labelled, int standalone, bool perPodOnly, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        var name = signal.ToName();
        var result = await client.QueryAsync(query.PromQL, at, cancellationToken);
        var series = result.Series.Where(s => catalogue.TryKey(query, s, out var key) && key.Cluster == cluster).ToList();
        var values = series.Select(s => s.Samples.Length > 0 ? s.Samples[^1].Value : double.NaN).ToList();

        // A per-component signal must be there for each component that reads it (the readers start with their component).
        var lacking = query.Scope == SignalScope.Component
            ? readers.Select(r => r.Split('/')[0]).Distinct().Where(kind => !series.Any(s => s.Label(catalogue.Options.ComponentLabel) == kind)).ToList()
            : [];
        if (lacking.Count > 0 && values.Count > 0)
        {
            values.Clear();
        }

        if (values.Count > 0 && values.All(double.IsFinite))
        {
            return new Finding(name, readers, true, $"{string.Join(", ", values.Select(v => v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))} {signal.Unit()}");
        }

        if (values.Count > 0)
        {
            return new Finding(name, readers, false, "not a number (NaN or infinite): the daemon drops such samples");
        }

        if (labelled == 0)
        {
            return new Finding(name, readers, false,
                $"Prometheus has no series labelled {catalogue.Options.NamespaceLabel}=\"{cluster.Namespace}\", {catalogue.Options.ClusterLabel}=\"{cluster.Name}\"",
                $"{NotScrapedFix}; or give --label-namespace/--label-cluster the labels your relabelling uses");
        }

        if (standalone > 0 && signal is Signal.CpuUtilization or Signal.CompactionRunningSlots)
        {
            return new Finding(name, readers, false, $"the cluster runs in standalone mode: its {catalogue.Options.ComponentLabel} is \"standalone\", so there is no compute or compactor to read",
                "run compute and compactor as their own components (spec.components) to scale them");
        }

        foreach (var probe in Probes[signal])
        {
            var matchers = probe.Matchers.Replace("{component}", catalogue.Options.ComponentLabel, StringComparison.Ordinal)
                .Replace("{pod}", catalogue.Options.PodLabel, StringComparison.Ordinal);
            if (lacking.Count > 0)
            {
                matchers = matchers.Replace("compute|compactor", string.Join('|', lacking), StringComparison.Ordinal); // probe the components that lack it
            }

            var count = probe.Requests == RequestsProbe.None
                ? await CountAsync(probe.Metric, matchers, cluster, at, cancellationToken, probe.Condition)
                : await CountRequestsAsync(cluster, probe.Requests, at, cancellationToken);
            if (count == 0)
            {
                // Without requests in kube-state-metrics, policies that read CPU per pod still have the informer's.
                return probe.Requests != RequestsProbe.None && perPodOnly
                    ? new Finding(name, readers, false, probe.Why + "; the daemon still measures each pod against the request in its pod informer, which is all these policies read", probe.Fix, Blocking: false)
                    : new Finding(name, readers, false, probe.Why, probe.Fix);
            }
        }

        return new Finding(name, readers, false, "its metrics exist but the query returns nothing: the rate window may be shorter than two scrapes",
            "give --rate-window at least twice the scrape interval");
    }

    private async Task<bool> CappedAsync(ClusterRef cluster, SignalQuery capped, DateTimeOffset at, CancellationToken cancellationToken) =>
        (await client.QueryAsync(capped.PromQL, at, cancellationToken)).Series
            .Any(s => catalogue.TryKey(capped, s, out var key) && key.Cluster == cluster && s.Samples.Length > 0 && s.Samples[^1].Value >= 0.5);

    private async Task<Finding> CustomSignalAsync(ClusterRef cluster, CustomSignalSpec signal, List<string> readers, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var batch = new CustomSignalBatch(signal, [cluster]);
        var snapshot = new CustomSignalSnapshot(at);
        try
        {
            batch.Assign(await client.QueryAsync(batch.PromQL, at, cancellationToken), catalogue.Options, snapshot);
        }
        catch (PrometheusException e)
        {
            return new Finding(signal.Name, readers, false, e.Message, "fix the query under signals");
        }

        return snapshot.Samples.TryGetValue((cluster, signal.Name), out var samples)
            ? new Finding(signal.Name, readers, true, $"{samples[^1].Value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} {signal.Unit}".TrimEnd())
            : new Finding(signal.Name, readers, false, snapshot.Problems[(cluster, signal.Name)], "fix the query under signals");
    }

    // CPU requests in the cluster's namespace, or only those of the cluster's compute and compactor pods.
    private async Task<int> CountRequestsAsync(ClusterRef cluster, RequestsProbe probe, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var o = catalogue.Options;
        var query = catalogue.CpuRequests($"namespace={PromQLText.Quote(cluster.Namespace)}");
        if (probe == RequestsProbe.OfTheClustersPods)
        {
            var pods = string.Join(',', new[]
            {
                $"{o.NamespaceLabel}={PromQLText.Quote(cluster.Namespace)}", $"{o.ClusterLabel}={PromQLText.Quote(cluster.Name)}",
                $"{o.ComponentLabel}=~\"compute|compactor\"", o.Selector,
            }.Where(m => m.Length > 0));
            query = $"{query} and on ({o.NamespaceLabel}, {o.PodLabel}) last_over_time(process_cpu_seconds_total{{{pods}}}[5m])";
        }

        var result = await client.QueryAsync($"count({query})", at, cancellationToken);
        return result.Series.Count == 0 ? 0 : (int)result.Series[0].Samples[^1].Value;
    }

    // How many series of the metric (any metric when empty) carry the cluster's labels. Over the last 5 minutes, not at
    // the instant: one failed scrape marks series stale, and a doctor must not call a metric absent because of it.
    private async Task<int> CountAsync(string metric, string matchers, ClusterRef cluster, DateTimeOffset at, CancellationToken cancellationToken, string condition = "")
    {
        var o = catalogue.Options;
        var all = string.Join(',', new[]
        {
            metric.Length == 0 ? "__name__=~\".+\"" : "",
            $"{o.NamespaceLabel}={PromQLText.Quote(cluster.Namespace)}",
            $"{o.ClusterLabel}={PromQLText.Quote(cluster.Name)}",
            matchers,
            o.Selector,
        }.Where(m => m.Length > 0));
        var result = await client.QueryAsync($"count(last_over_time({metric}{{{all}}}[5m]){condition})", at, cancellationToken);
        return result.Series.Count == 0 ? 0 : (int)result.Series[0].Samples[^1].Value;
    }
}
