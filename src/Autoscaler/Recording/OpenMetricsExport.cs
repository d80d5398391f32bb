using System.Globalization;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Recording;

/// <summary>
/// Writes a recording in the OpenMetrics text format, so that
/// <c>promtool tsdb create-blocks-from openmetrics FILE DIR</c> loads it into a real Prometheus. Each recorded
/// series becomes one gauge series, labelled with the cluster's labels and which series it is; steps
/// without data are left out. <see cref="ExportedQueries"/> gives the PromQL that reads them back.
/// </summary>
public static class OpenMetricsExport
{
    public const string SignalMetric = "rwautoscaler_recorded_signal";
    public const string ReplicasMetric = "rwautoscaler_recorded_replicas";

    public static void Write(Recording recording, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(output);
        foreach (var (metric, help, isSignal) in new[]
        {
            (SignalMetric, "A signal recorded by 'autoscaler record' (see docs/recording-format.md).", true),
            (ReplicasMetric, "Replica counts recorded by 'autoscaler record'.", false),
        })
        {
            output.Write($"# TYPE {metric} gauge\n# HELP {metric} {help}\n");
            for (var s = 0; s < recording.Series.Length; s++)
            {
                var series = recording.Series[s];
                if ((series.Kind == SeriesKind.Signal) != isSignal)
                {
                    continue;
                }

                var labels = Labels(recording, series);
                var values = recording.Values[s];
                for (var i = 0; i < values.Length; i++)
                {
                    if (double.IsNaN(values[i]))
                    {
                        continue;
                    }

                    var seconds = recording.TimeAt(i).ToUnixTimeMilliseconds() / 1000.0;
                    output.Write($"{metric}{{{labels}}} {values[i].ToString("R", CultureInfo.InvariantCulture)} {seconds.ToString("0.###", CultureInfo.InvariantCulture)}\n");
                }
            }
        }

        output.Write("# EOF\n");
    }

    /// <summary>The PromQL that selects an exported series again, for recording it back from Prometheus.</summary>
    /// <summary>
    /// The query that reads an exported series back on its own <paramref name="step"/>. A plain selector would let
    /// Prometheus's lookback (5 minutes) carry the last value into a gap; <c>last_over_time</c> over just under one step
    /// sees only the sample written for that step, so a gap comes back as a gap.
    /// </summary>
    public static string ExportedQuery(IReadOnlyDictionary<string, string> clusterLabels, SeriesInfo series, TimeSpan step)
    {
        ArgumentNullException.ThrowIfNull(clusterLabels);
        ArgumentNullException.ThrowIfNull(series);
        var metric = series.Kind == SeriesKind.Signal ? SignalMetric : ReplicasMetric;
        var window = Math.Max(1, (long)step.TotalMilliseconds - 1);
        return $"last_over_time({metric}{{{Selector(clusterLabels, series)}}}[{window}ms])";
    }

    private static string Labels(Recording recording, SeriesInfo series) => Selector(recording.Labels, series);

    private static string Selector(IReadOnlyDictionary<string, string> clusterLabels, SeriesInfo series)
    {
        var labels = clusterLabels.OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => $"{l.Key}=\"{Escape(l.Value)}\"")
            .Append($"component=\"{series.Component.Kind.ToName()}\"")
            .Append($"group=\"{Escape(series.Component.Group)}\"")
            .Append(series.Kind == SeriesKind.Signal ? $"signal=\"{series.Signal!.Value.Name}\"" : $"kind=\"{SeriesInfo.KindName(series.Kind)}\"");
        return string.Join(',', labels);
    }

    private static string Escape(string value) => value
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal);
}
