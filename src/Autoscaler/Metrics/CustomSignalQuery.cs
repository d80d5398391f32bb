using System.Collections.Immutable;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>One custom signal and the clusters that share its query this round: one PromQL query for all of them.</summary>
internal sealed record CustomSignalBatch(CustomSignalSpec Signal, IReadOnlyList<ClusterRef> Clusters)
{
    /// <summary>The query with <c>{{namespace}}</c> and <c>{{name}}</c> replaced by the clusters' names, as RE2 alternations.</summary>
    public string PromQL { get; } = Render(Signal, Clusters);

    /// <summary>
    /// Batches for these clusters: clusters whose specs define the same signal with the same query share one batch,
    /// whatever the spec calls it elsewhere; the order is stable so that a round's queries are the same every tick.
    /// </summary>
    public static IReadOnlyList<CustomSignalBatch> For(IEnumerable<(ClusterRef Cluster, ImmutableArray<CustomSignalSpec> Signals)> clusters) =>
        clusters
            .SelectMany(c => c.Signals.IsDefault ? [] : c.Signals.Select(s => (c.Cluster, Signal: s)))
            .GroupBy(c => c.Signal)
            .OrderBy(g => g.Key.Name, StringComparer.Ordinal).ThenBy(g => g.Key.Query, StringComparer.Ordinal)
            .Select(g => new CustomSignalBatch(g.Key, [.. g.Select(c => c.Cluster).Distinct().Order()]))
            .ToList();

    /// <summary>
    /// Gives each cluster of the batch its one series of the answer: a series whose cluster labels name it, or for a
    /// query that names no cluster, the one series without them (a value every cluster that shares the query reads).
    /// No series, or several, for a cluster is a problem reported on the signal, by name.
    /// </summary>
    public void Assign(QueryResult result, CatalogueOptions labels, CustomSignalSnapshot into)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(into);
        var wanted = Clusters.ToHashSet();
        var found = Clusters.ToDictionary(c => c, _ => new List<Sample[]>());
        var unlabelled = new List<Sample[]>();
        foreach (var series in result.Series)
        {
            if (series.Label(labels.NamespaceLabel) is { Length: > 0 } ns && series.Label(labels.ClusterLabel) is { Length: > 0 } name)
            {
                if (wanted.Contains(new ClusterRef(ns, name)))
                {
                    found[new ClusterRef(ns, name)].Add(series.Samples);
                }
            }
            else
            {
                unlabelled.Add(series.Samples);
            }
        }

        foreach (var cluster in Clusters)
        {
            var mine = found[cluster];
            if (mine.Count == 0 && !Signal.IsTemplated)
            {
                mine = unlabelled;
            }

            if (mine.Count == 1 && Array.FindAll(mine[0], s => double.IsFinite(s.Value)) is { Length: > 0 } finite)
            {
                into.Add(cluster, Signal.Name, finite);
            }
            else
            {
                into.Fail(cluster, Signal.Name, Problem(mine.Count, unlabelled.Count, cluster, labels));
            }
        }
    }

    private string Problem(int count, int unlabelled, ClusterRef cluster, CatalogueOptions labels) => count switch
    {
        0 when Signal.IsTemplated && unlabelled > 0 =>
            $"the query returned no series for {cluster}: its {unlabelled} series lack the labels {labels.NamespaceLabel} and {labels.ClusterLabel} "
            + $"(keep them: sum by ({labels.NamespaceLabel}, {labels.ClusterLabel}) (...))",
        0 => $"the query returned no series for {cluster}",
        1 => $"the query returned no finite value for {cluster} (NaN or infinite)",
        _ => $"the query returned {count} series for {cluster}, one is needed: aggregate it, e.g. sum by ({labels.NamespaceLabel}, {labels.ClusterLabel}) (...)",
    };

    private static string Render(CustomSignalSpec signal, IReadOnlyList<ClusterRef> clusters) =>
        signal.Query
            .Replace(CustomSignalSpec.NamespacePlaceholder, PromQLText.EscapeString(PromQLText.Alternation(clusters.Select(c => c.Namespace))), StringComparison.Ordinal)
            .Replace(CustomSignalSpec.NamePlaceholder, PromQLText.EscapeString(PromQLText.Alternation(clusters.Select(c => c.Name))), StringComparison.Ordinal);
}

/// <summary>What one round of custom signal queries brought back: samples or a problem per cluster and signal name.</summary>
internal sealed class CustomSignalSnapshot(DateTimeOffset time)
{
    private readonly Dictionary<(ClusterRef Cluster, string Signal), Sample[]> _samples = [];
    private readonly Dictionary<(ClusterRef Cluster, string Signal), string> _problems = [];

    public DateTimeOffset Time => time;

    public IReadOnlyDictionary<(ClusterRef Cluster, string Signal), Sample[]> Samples => _samples;

    public IReadOnlyDictionary<(ClusterRef Cluster, string Signal), string> Problems => _problems;

    public void Add(ClusterRef cluster, string signal, Sample[] samples) => _samples[(cluster, signal)] = samples;

    public void Fail(ClusterRef cluster, string signal, string problem) => _problems[(cluster, signal)] = problem;
}
