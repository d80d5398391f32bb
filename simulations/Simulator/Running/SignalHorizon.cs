using RwAutoscaler.Policies.BuiltIn;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Simulator.Running;

/// <summary>
/// How far back each signal must reach for a spec's policies to see their whole windows: what the daemon's range
/// queries must cover too. <see cref="Fine"/> is needed at every step; <see cref="History"/> (the predictive
/// policy's ingest history) may come at a coarser step.
/// </summary>
internal sealed record SignalHorizon(TimeSpan[] Fine, TimeSpan History)
{
    public static SignalHorizon Of(AutoscalingSpec spec, TimeSpan floor)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var fine = new TimeSpan[SignalNames.Count];
        Array.Fill(fine, floor);
        var history = TimeSpan.Zero;
        foreach (var component in spec.Components)
        {
            foreach (var policy in component.Policies)
            {
                switch (policy)
                {
                    case ThroughputPolicySpec t:
                        Widen(fine, t.MetricsWindow + t.Stabilization, Signal.ProcessedRate, Signal.BusyRatio, Signal.IngestRate, Signal.SourceLagMessages);
                        Widen(fine, t.PeakWindow, Signal.IngestRate); // the peak hold and the burst test
                        break;
                    case LatencyGuardPolicySpec g:
                        // How long an SLO has been violated is read back over 'for', so a longer violation is not cut short.
                        Widen(fine, g.For, [.. g.Targets.Select(target => target.Signal), Signal.BarrierLatencyP99Capped]);
                        break;
                    case CompactionPolicySpec c:
                        Widen(fine, c.PendingWindow, Signal.CompactionPendingBytes);
                        break;
                    case PredictivePolicySpec p:
                        Widen(fine, p.RateWindow, Signal.IngestRate);
                        Widen(fine, p.MetricsWindow + p.Stabilization, Signal.ProcessedRate, Signal.BusyRatio);
                        history = history > p.History ? history : p.History;
                        break;
                }
            }
        }

        return new SignalHorizon(fine, history);
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
