using RwAutoscaler.Policies.BuiltIn;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Simulator.Running;

/// <summary>
/// How far back each signal must reach for a spec's policies to see their whole windows: what the daemon's
/// range queries must cover too.
/// </summary>
internal static class SignalHorizon
{
    public static TimeSpan[] Of(AutoscalingSpec spec, TimeSpan floor)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var horizons = new TimeSpan[SignalNames.Count];
        Array.Fill(horizons, floor);
        foreach (var component in spec.Components)
        {
            foreach (var policy in component.Policies)
            {
                switch (policy)
                {
                    case ThroughputPolicySpec t:
                        Widen(horizons, t.MetricsWindow + t.Stabilization, Signal.ProcessedRate, Signal.BusyRatio, Signal.IngestRate, Signal.SourceLagMessages);
                        break;
                    case CompactionPolicySpec c:
                        Widen(horizons, c.PendingWindow, Signal.CompactionPendingBytes);
                        break;
                    case PredictivePolicySpec p:
                        Widen(horizons, p.History, Signal.IngestRate);
                        Widen(horizons, p.MetricsWindow + p.Stabilization, Signal.ProcessedRate, Signal.BusyRatio);
                        break;
                }
            }
        }

        return horizons;
    }

    private static void Widen(TimeSpan[] horizons, TimeSpan span, params Signal[] signals)
    {
        foreach (var signal in signals)
        {
            if (span > horizons[(int)signal])
            {
                horizons[(int)signal] = span;
            }
        }
    }
}
