using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>Whether a signal is one number per cluster or one per component (and node group) of a cluster.</summary>
internal enum SignalScope
{
    Cluster,
    Component,
}

/// <summary>One signal's PromQL, grouped by cluster (and component), and why it is computed that way.</summary>
internal sealed record SignalQuery(Signal Signal, SignalScope Scope, string PromQL, string Why);
