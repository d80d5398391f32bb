using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Policies.BuiltIn;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Resources;

internal enum AutoscalerMode
{
    Active,
    DryRun,
}

/// <summary>A key in a Secret of the autoscaler's namespace.</summary>
internal sealed record SecretKey(string Name, string Key);

/// <summary>A RisingWaveAutoscaler's own Prometheus, with its credentials still as secret references.</summary>
internal sealed record PrometheusOverride
{
    public required Uri Address { get; init; }

    public SecretKey? BearerToken { get; init; }

    public SecretKey? Username { get; init; }

    public SecretKey? Password { get; init; }

    public SecretKey? CertificateAuthorities { get; init; }

    public bool InsecureSkipVerify { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

/// <summary>A RisingWaveAutoscaler as the daemon runs it: validated, with the engine's spec parsed.</summary>
internal sealed record AutoscalerConfig
{
    public static TimeSpan DefaultPollingInterval { get; } = TimeSpan.FromSeconds(30);

    public const int DefaultHistoryLimit = 20;

    /// <summary>The autoscaler resource itself.</summary>
    public required ClusterRef Resource { get; init; }

    public long Generation { get; init; }

    public string? Uid { get; init; }

    /// <summary>The RisingWave it sizes.</summary>
    public required ClusterRef Target { get; init; }

    public AutoscalerMode Mode { get; init; }

    public TimeSpan PollingInterval { get; init; } = DefaultPollingInterval;

    public int HistoryLimit { get; init; } = DefaultHistoryLimit;

    public PrometheusOverride? Prometheus { get; init; }

    /// <summary>The engine of its policy spec, built once per generation and shared by every evaluation (it is immutable).</summary>
    public required ScalingEngine Engine { get; init; }

    public AutoscalingSpec Policy => Engine.Spec;

    /// <summary>How far back its policies read signals.</summary>
    public TimeSpan SignalHorizon => Engine.SignalHorizon;

    /// <summary>Whether a policy applies HPA's per-pod CPU rule (a Pods metric on cpuUtilization): the daemon then reads each pod.</summary>
    public bool PerPodCpu => Policy.Components.Any(c => c.Policies.OfType<UtilizationPolicySpec>()
        .Any(p => p.Metrics.Any(m => m.Source == MetricSource.Pods && m.Signal.BuiltIn == Signal.CpuUtilization)));
}
