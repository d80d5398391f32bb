using RwAutoscaler.Policies.Model;
using System.Collections.Immutable;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;

namespace RwAutoscaler.Autoscaler.Recording;

/// <summary>
/// Records one cluster from Prometheus: every planned series over the range, fetched piece by piece (a day at
/// a time, each piece chunked to Prometheus' point limit) so that long ranges show progress and stay within
/// what Prometheus accepts, then laid on the recording's fixed step (NaN where Prometheus had nothing).
/// </summary>
internal sealed class Recorder(IPrometheusClient client, IRecordingPlan plan, TimeProvider time)
{
    /// <summary>How much of the range one round of queries covers.</summary>
    public static readonly TimeSpan Piece = TimeSpan.FromDays(1);

    public async Task<Recording> RecordAsync(
        ClusterRef cluster, DateTimeOffset start, DateTimeOffset end, TimeSpan step, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        if (end <= start)
        {
            throw new ArgumentException($"the start ({TimeText.Rfc3339(start)}) must be before the end ({TimeText.Rfc3339(end)})", nameof(end));
        }

        if (step <= TimeSpan.Zero)
        {
            throw new ArgumentException("the step must be positive", nameof(step));
        }

        var count = (int)((end - start).Ticks / step.Ticks) + 1;
        var planned = plan.Series(cluster);
        var values = planned.Select(_ => Enumerable.Repeat(double.NaN, count).ToArray()).ToArray();
        var queries = planned.Select(p => p.Info.Query).Distinct(StringComparer.Ordinal).ToList();
        var pieces = Pieces(start, end, step).ToList();
        var done = 0;
        foreach (var (from, to) in pieces)
        {
            // Queries shared by several series (a cluster-wide signal for each component) run once.
            var results = new Dictionary<string, QueryResult>(StringComparer.Ordinal);
            foreach (var query in queries)
            {
                results[query] = await RangeChunks.QueryAsync(client, query, from, to, step, cancellationToken);
                progress?.Report((done + ((double)results.Count / queries.Count)) / pieces.Count);
            }

            for (var i = 0; i < planned.Count; i++)
            {
                foreach (var series in results[planned[i].Info.Query].Series)
                {
                    if (!planned[i].Matches(series))
                    {
                        continue;
                    }

                    foreach (var sample in series.Samples)
                    {
                        var index = (int)Math.Round((sample.Time - start).Ticks / (double)step.Ticks);
                        if (index >= 0 && index < count)
                        {
                            values[i][index] = sample.Value;
                        }
                    }
                }
            }

            done++;
        }

        progress?.Report(1);
        if (values.All(v => v.All(double.IsNaN)))
        {
            throw new ArgumentException($"Prometheus has no data for {cluster} from {TimeText.Rfc3339(start)} to {TimeText.Rfc3339(end)}", nameof(cluster));
        }

        return new Recording
        {
            Cluster = cluster.ToString(),
            Labels = plan.Labels(cluster).ToImmutableDictionary(StringComparer.Ordinal),
            Start = start,
            Step = step,
            Count = count,
            Source = client.Address.AbsoluteUri,
            RecordedAt = time.GetUtcNow(),
            Series = [.. planned.Select(p => p.Info)],
            Values = [.. values],
        };
    }

    private static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Pieces(DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        var stepsPerPiece = Math.Max(1, Piece.Ticks / step.Ticks);
        for (var from = start; from <= end; from += step * stepsPerPiece)
        {
            var to = from + (step * (stepsPerPiece - 1));
            yield return (from, to < end ? to : end);
        }
    }
}
