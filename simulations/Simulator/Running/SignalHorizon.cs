using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Simulator.Running;

/// <summary>
/// How far back each signal must reach for a spec's policies to see their whole windows, as each policy spec declares
/// it (<see cref="PolicySpec.Reach"/>, whose longest reach is what the daemon fetches). <see cref="Fine"/> is needed
/// at every step; <see cref="History"/> (the sparse reaches: the predictive policy's ingest history) may come at a
/// coarser step.
/// </summary>
internal sealed record SignalHorizon(TimeSpan[] Fine, TimeSpan History)
{
    public static SignalHorizon Of(AutoscalingSpec spec, TimeSpan floor)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var fine = new TimeSpan[SignalNames.Count];
        Array.Fill(fine, floor);
        var history = TimeSpan.Zero;
        foreach (var reach in spec.Components.SelectMany(c => c.Policies).SelectMany(p => p.Reach))
        {
            ref var kept = ref reach.Sparse ? ref history : ref fine[(int)reach.Signal];
            if (reach.Back > kept)
            {
                kept = reach.Back;
            }
        }

        return new SignalHorizon(fine, history);
    }
}
