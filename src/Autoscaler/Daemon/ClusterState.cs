using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>
/// What the daemon remembers about one RisingWaveAutoscaler between evaluations: its engine session (history), what it
/// has already reported (so that a lasting problem gives one event, not one per tick), rescale tracking and the recent
/// decisions for the status. Touched by one worker at a time (the work queue never hands a key out twice).
/// </summary>
internal sealed class ClusterState
{
    /// <summary>The session and the spec generation it was built for.</summary>
    public ScalingSession? Session { get; set; }

    public long SessionGeneration { get; set; } = -1;

    public string? Uid { get; set; }

    /// <summary>The parsed spec and the generation it was parsed from.</summary>
    public AutoscalerConfig? Config { get; set; }

    public long ConfigGeneration { get; set; } = -1;

    /// <summary>Problems already reported (spec errors by generation, bad annotations, expired overrides).</summary>
    public HashSet<string> Reported { get; } = new(StringComparer.Ordinal);

    /// <summary>When an event with a key was last published, for events repeated at most every so often.</summary>
    public Dictionary<string, DateTimeOffset> LastPublished { get; } = new(StringComparer.Ordinal);

    /// <summary>Components whose last observation showed a rescale in progress.</summary>
    public Dictionary<ComponentKey, bool> Rescaling { get; } = [];

    public Dictionary<ComponentKey, DateTimeOffset> RescaleCompleted { get; } = [];

    public Dictionary<ComponentKey, (DateTimeOffset Time, string Reason)> LastScale { get; } = [];

    /// <summary>Recent decisions that changed, or would have changed, replicas; oldest first.</summary>
    public List<DecisionRecord> History { get; } = [];

    public bool Seeded { get; set; }

    /// <summary>Per component, the trail of the last decision that changed replicas (status.components[].trail).</summary>
    public Dictionary<ComponentKey, IReadOnlyList<string>> Trails { get; } = [];

    /// <summary>The autoscaler's status as last parsed, with the resourceVersion it was parsed from.</summary>
    public StatusRead? LastStatus { get; set; }

    public bool MetricsOutageReported { get; set; }

    /// <summary>
    /// The last diagnosis of missing signals: which were missing, when it ran, and what it found (null findings: it could
    /// not run). Null when nothing was missing.
    /// </summary>
    public (string Missing, DateTimeOffset At, IReadOnlyList<Doctor.Finding>? Findings)? SignalDiagnosis { get; set; }

    /// <summary>Consecutive failed writes, for backoff.</summary>
    public int Failures { get; set; }
}

/// <summary>A status parsed from the object of one resourceVersion (null when it had none or it did not parse).</summary>
internal sealed record StatusRead(string? ResourceVersion, AutoscalerStatus? Status, IReadOnlyList<Condition> Conditions);
