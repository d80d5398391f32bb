using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Recording;

/// <summary>One series to record: where it goes in the recording, its PromQL, and which result series is ours.</summary>
internal sealed record PlannedSeries(SeriesInfo Info, Func<Series, bool> Matches);

/// <summary>What to query to record one cluster.</summary>
internal interface IRecordingPlan
{
    /// <summary>The label values that select the cluster (kept in the recording's header).</summary>
    IReadOnlyDictionary<string, string> Labels(ClusterRef cluster);

    IReadOnlyList<PlannedSeries> Series(ClusterRef cluster);
}

/// <summary>
/// Recording from a live Prometheus that scrapes RisingWave: the daemon's signal catalogue and the custom signals the
/// policies define, plus the replica counts RisingWave itself reports (<c>worker_num</c> of the meta node: registered
/// compute nodes and compactors) and the cores per process (the pods' CPU requests from kube-state-metrics, else
/// <c>process_cpu_core_num</c>).
/// </summary>
internal sealed class RisingWavePlan(SignalCatalogue catalogue, IReadOnlyList<CustomSignalSpec>? custom = null) : IRecordingPlan
{
    private static readonly ComponentKey[] Components = [ComponentKey.Compute, ComponentKey.Compactor];

    public IReadOnlyDictionary<string, string> Labels(ClusterRef cluster) => new Dictionary<string, string>
    {
        [catalogue.Options.NamespaceLabel] = cluster.Namespace,
        [catalogue.Options.ClusterLabel] = cluster.Name,
    };

    public IReadOnlyList<PlannedSeries> Series(ClusterRef cluster)
    {
        var planned = new List<PlannedSeries>();
        foreach (var query in catalogue.For([cluster]))
        {
            foreach (var component in Components)
            {
                // Cluster-wide signals belong to every component, as the daemon's observations see them.
                planned.Add(new PlannedSeries(
                    new SeriesInfo(component, SeriesKind.Signal, query.Signal, query.PromQL),
                    series => catalogue.TryKey(query, series, out var key) && key.Cluster == cluster
                        && (key.Component is null || (key.Component == component.Kind && key.Group == component.Group))));
            }
        }

        foreach (var signal in custom ?? [])
        {
            // As the daemon reads it: the series that names the cluster, or for a query that names none, the unlabelled one.
            var batch = new CustomSignalBatch(signal, [cluster]);
            foreach (var component in Components)
            {
                planned.Add(new PlannedSeries(
                    new SeriesInfo(component, SeriesKind.Signal, SignalRef.Custom(signal.Name), batch.PromQL),
                    series => (series.Label(catalogue.Options.NamespaceLabel), series.Label(catalogue.Options.ClusterLabel)) is var (ns, name)
                        && (ns == cluster.Namespace && name == cluster.Name || (!signal.IsTemplated && ns is null && name is null))));
            }
        }

        var o = catalogue.Options;
        var select = $"{o.NamespaceLabel}=\"{cluster.Namespace}\",{o.ClusterLabel}=\"{cluster.Name}\"" + (o.Selector.Length > 0 ? "," + o.Selector : "");
        var by = $"{o.NamespaceLabel}, {o.ClusterLabel}";
        foreach (var (component, workerType) in new[] { (ComponentKey.Compute, "WORKER_TYPE_COMPUTE_NODE"), (ComponentKey.Compactor, "WORKER_TYPE_COMPACTOR") })
        {
            var workers = $"max by ({by}) (worker_num{{{select},worker_type=\"{workerType}\"}})";
            // The pods' CPU requests (kube-state-metrics); without them, the cgroup's whole cores, which a fractional limit truncates.
            var pods = $"{select},{o.ComponentLabel}=\"{component.Kind.ToName()}\"";
            var cores = $"avg by ({by}) ({catalogue.RequestsOf($"process_cpu_seconds_total{{{pods}}}")})"
                + $" or avg by ({by}) (process_cpu_core_num{{{pods}}} > 0)";
            planned.Add(new PlannedSeries(new SeriesInfo(component, SeriesKind.TargetReplicas, null, workers), _ => true));
            planned.Add(new PlannedSeries(new SeriesInfo(component, SeriesKind.ReadyReplicas, null, workers), _ => true));
            planned.Add(new PlannedSeries(new SeriesInfo(component, SeriesKind.CoresPerReplica, null, cores), _ => true));
        }

        return planned;
    }
}

/// <summary>
/// Recording back a recording that <c>autoscaler export</c> wrote and promtool loaded: every series is read
/// from the exported gauges as it was written.
/// </summary>
internal sealed class ExportedPlan(string namespaceLabel, string clusterLabel, TimeSpan step, IReadOnlyList<CustomSignalSpec>? custom = null) : IRecordingPlan
{
    public IReadOnlyDictionary<string, string> Labels(ClusterRef cluster) => new Dictionary<string, string>
    {
        [namespaceLabel] = cluster.Namespace,
        [clusterLabel] = cluster.Name,
    };

    public IReadOnlyList<PlannedSeries> Series(ClusterRef cluster)
    {
        var labels = Labels(cluster);
        var planned = new List<PlannedSeries>();
        foreach (var component in new[] { ComponentKey.Compute, ComponentKey.Compactor })
        {
            foreach (var kind in new[] { SeriesKind.TargetReplicas, SeriesKind.ReadyReplicas, SeriesKind.CoresPerReplica })
            {
                var info = new SeriesInfo(component, kind, null, "");
                planned.Add(new PlannedSeries(info with { Query = OpenMetricsExport.ExportedQuery(labels, info, step) }, _ => true));
            }

            foreach (var signal in Enum.GetValues<Signal>().Select(s => (SignalRef)s).Concat((custom ?? []).Select(c => SignalRef.Custom(c.Name))))
            {
                var info = new SeriesInfo(component, SeriesKind.Signal, signal, "");
                planned.Add(new PlannedSeries(info with { Query = OpenMetricsExport.ExportedQuery(labels, info, step) }, _ => true));
            }
        }

        return planned;
    }
}
