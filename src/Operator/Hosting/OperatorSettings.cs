using k8s;
using Serilog.Events;

namespace RwAutoscaler.Operator.Hosting;

/// <summary>Everything the process is started with.</summary>
internal sealed record OperatorSettings
{
    public required KubernetesClientConfiguration Kube { get; init; }

    /// <summary>Where /healthz, /readyz and /metrics are served.</summary>
    public string Listen { get; init; } = "http://0.0.0.0:8080";

    public bool LeaderElection { get; init; } = true;

    public string LeaseNamespace { get; init; } = "default";

    public string LeaseName { get; init; } = "rw-operator";

    public int Workers { get; init; } = 4;

    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;
}
