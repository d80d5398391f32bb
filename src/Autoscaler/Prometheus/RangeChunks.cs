using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Prometheus;

/// <summary>
/// Splits a range query into pieces Prometheus accepts (at most 11,000 points per series, its hard limit) and
/// merges the pieces back into one series per label set. Pieces are aligned on the step, so no point is fetched twice.
/// </summary>
internal static class RangeChunks
{
    /// <summary>Prometheus' limit of points per series in one range query (web/api/v1/api.go).</summary>
    public const int MaxPointsPerSeries = 11_000;

    public static IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> Split(
        DateTimeOffset start, DateTimeOffset end, TimeSpan step, int maxPoints = MaxPointsPerSeries)
    {
        if (step <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "the step must be positive");
        }

        if (maxPoints < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPoints), maxPoints, "at least one point per piece");
        }

        var pieces = new List<(DateTimeOffset, DateTimeOffset)>();
        if (end < start)
        {
            return pieces;
        }

        var span = step * (maxPoints - 1);
        for (var from = start; from <= end; from += step * maxPoints)
        {
            var to = from + span;
            pieces.Add((from, to < end ? to : end));
        }

        return pieces;
    }

    /// <summary>Runs the pieces one after the other and joins each label set's samples in time order.</summary>
    public static async Task<QueryResult> QueryAsync(
        IPrometheusClient client, string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step,
        CancellationToken cancellationToken, int maxPoints = MaxPointsPerSeries)
    {
        ArgumentNullException.ThrowIfNull(client);
        var merged = new Dictionary<string, (IReadOnlyDictionary<string, string> Labels, List<Sample> Samples)>(StringComparer.Ordinal);
        var warnings = new List<string>();
        var infos = new List<string>();
        foreach (var (from, to) in Split(start, end, step, maxPoints))
        {
            var piece = await client.QueryRangeAsync(query, from, to, step, cancellationToken);
            warnings.AddRange(piece.Warnings);
            infos.AddRange(piece.Infos);
            foreach (var series in piece.Series)
            {
                var key = string.Join('\u0001', series.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));
                if (!merged.TryGetValue(key, out var entry))
                {
                    entry = (series.Labels, new List<Sample>(series.Samples.Length));
                    merged[key] = entry;
                }

                entry.Samples.AddRange(series.Samples);
            }
        }

        var result = merged.Values.Select(e => new Series(e.Labels, [.. e.Samples])).ToArray();
        return new QueryResult(ResultType.Matrix, result, warnings.Distinct(StringComparer.Ordinal).ToArray(), infos.Distinct(StringComparer.Ordinal).ToArray());
    }
}
