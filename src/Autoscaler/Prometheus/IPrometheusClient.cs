namespace RwAutoscaler.Autoscaler.Prometheus;

/// <summary>The two read calls of the Prometheus HTTP API that the daemon and the dry-run need.</summary>
internal interface IPrometheusClient
{
    /// <summary>The endpoint this client talks to (for messages and metrics).</summary>
    Uri Address { get; }

    /// <summary><c>/api/v1/query</c>: the value of <paramref name="query"/> at <paramref name="time"/>.</summary>
    Task<QueryResult> QueryAsync(string query, DateTimeOffset time, CancellationToken cancellationToken);

    /// <summary>
    /// <c>/api/v1/query_range</c> for one range. Prometheus refuses more than 11,000 points per series: split longer
    /// ranges with <see cref="RangeChunks"/> (or call <see cref="RangeChunks.QueryAsync"/>).
    /// </summary>
    Task<QueryResult> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken);
}
