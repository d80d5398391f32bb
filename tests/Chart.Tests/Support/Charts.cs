using RwAutoscaler.Chart.Tests.Rendering;

namespace RwAutoscaler.Chart.Tests.Support;

/// <summary>The chart under test, parsed once, and the value sets the tests render it with.</summary>
internal static class Charts
{
    private static readonly Lazy<HelmChart> Lazy = new(() => new HelmChart(Repository.ChartDirectory));

    public static HelmChart Chart => Lazy.Value;

    /// <summary>Everything optional switched on: our operator, monitoring, alerts, network policy, webhook secret.</summary>
    public const string Everything = """
        operator:
          enabled: true
        serviceMonitor:
          enabled: true
          labels:
            release: kube-prometheus-stack
        prometheusRule:
          enabled: true
        networkPolicy:
          enabled: true
        autoscaler:
          webhook:
            token: s3cret
          prometheus:
            bearerTokenSecret:
              name: prometheus-token
          rbac:
            readSecrets: true
          extraArgs: ["--rate-window=5m"]
        """;

    /// <summary>The values of examples/complete, as a user installs them.</summary>
    public static string CompleteExample => File.ReadAllText(Repository.PathOf("examples/complete/values.yaml"));
}
