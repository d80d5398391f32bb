namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>
/// Where signals come from. One call fetches every signal for every cluster (or for the clusters named), with a
/// constant number of queries: the daemon calls it once per tick, the dry-run once per range.
/// </summary>
internal interface IMetricsSource
{
    /// <summary>A human name of the source for messages ("prometheus http://...").</summary>
    string Name { get; }

    /// <summary>Each signal's value at <paramref name="at"/>.</summary>
    Task<MetricsSnapshot> FetchAsync(DateTimeOffset at, IReadOnlyCollection<ClusterRef>? only, CancellationToken cancellationToken);

    /// <summary>Each signal's values from <paramref name="start"/> to <paramref name="end"/> every <paramref name="step"/>.</summary>
    Task<MetricsSnapshot> FetchRangeAsync(
        DateTimeOffset start, DateTimeOffset end, TimeSpan step, IReadOnlyCollection<ClusterRef>? only, CancellationToken cancellationToken);

    /// <summary>
    /// The custom signals of the batches, one query per batch: at <paramref name="end"/> when <paramref name="start"/> is
    /// the same instant, else from <paramref name="start"/> to <paramref name="end"/> every <paramref name="step"/>.
    /// </summary>
    /// <summary>The CPU cores each compute and compactor pod uses at <paramref name="at"/>, by cluster and pod name.</summary>
    Task<PodCpuSnapshot> FetchPodCpuAsync(DateTimeOffset at, IReadOnlyCollection<ClusterRef>? only, CancellationToken cancellationToken);

    /// <summary>Why the cluster lacks the signals named in <paramref name="needs"/> (autoscaler doctor's findings).</summary>
    Task<IReadOnlyList<Doctor.Finding>> DiagnoseAsync(
        ClusterRef cluster, IReadOnlyDictionary<string, List<string>> needs, DateTimeOffset at, CancellationToken cancellationToken);

    Task<CustomSignalSnapshot> FetchCustomAsync(
        IReadOnlyList<CustomSignalBatch> batches, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken);
}
