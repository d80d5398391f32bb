using System.Collections.Immutable;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Recording;

/// <summary>What a recorded series holds: a signal, or the cluster's actual replica counts.</summary>
public enum SeriesKind
{
    Signal,
    /// <summary>Replicas the resource asked for (the spec).</summary>
    TargetReplicas,
    /// <summary>Replicas that were ready.</summary>
    ReadyReplicas,
    /// <summary>CPU cores per replica.</summary>
    CoresPerReplica,
}

/// <summary>Which series one block of a recording is, and the PromQL it came from.</summary>
public sealed record SeriesInfo(ComponentKey Component, SeriesKind Kind, SignalRef? Signal, string Query)
{
    public string Name => Kind == SeriesKind.Signal ? $"{Component}/{Signal!.Value.Name}" : $"{Component}/{KindName(Kind)}";

    public static string KindName(SeriesKind kind) => kind switch
    {
        SeriesKind.Signal => "signal",
        SeriesKind.TargetReplicas => "targetReplicas",
        SeriesKind.ReadyReplicas => "readyReplicas",
        _ => "coresPerReplica",
    };
}

/// <summary>
/// The recorded metrics of one cluster over a time range, on a fixed step. Every series has one value per
/// step; NaN marks a step where Prometheus had no data (a gap). See docs/recording-format.md.
/// </summary>
public sealed record Recording
{
    public const int FormatVersion = 1;

    /// <summary><c>namespace/name</c> of the RisingWave resource.</summary>
    public required string Cluster { get; init; }

    /// <summary>The label values that selected the cluster in Prometheus.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    public required DateTimeOffset Start { get; init; }

    public required TimeSpan Step { get; init; }

    public required int Count { get; init; }

    /// <summary>Where it was recorded from (informational).</summary>
    public string Source { get; init; } = "";

    public DateTimeOffset RecordedAt { get; init; }

    public required ImmutableArray<SeriesInfo> Series { get; init; }

    /// <summary>One array of <see cref="Count"/> values per entry of <see cref="Series"/>.</summary>
    public required ImmutableArray<double[]> Values { get; init; }

    public DateTimeOffset TimeAt(int index) => Start + (Step * index);

    public DateTimeOffset End => TimeAt(Count - 1);

    public IEnumerable<ComponentKey> Components => Series.Select(s => s.Component).Distinct();

    public double[]? Find(ComponentKey component, SeriesKind kind, SignalRef? signal = null)
    {
        for (var i = 0; i < Series.Length; i++)
        {
            var series = Series[i];
            if (series.Component == component && series.Kind == kind && series.Signal == signal)
            {
                return Values[i];
            }
        }

        return null;
    }
}
