using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Simulator.Running;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Running;

/// <summary>
/// The simulator keeps each signal only as far back as its policies read it; a window cut short changes the
/// decision the daemon, which fetches the engine's whole horizon, would make (a 45-minute 'for' never elapsing).
/// </summary>
public class SignalHorizonTests
{
    private static readonly TimeSpan Floor = TimeSpan.FromMinutes(30);

    public static TheoryData<string, string, int> Windows => new()
    {
        // policy (compute), signal, minutes it must reach back at least
        { "{type: throughput, metricsWindow: 5m, stabilization: 5m, peakWindow: 2h}", nameof(Signal.IngestRate), 120 },
        { "{type: throughput, metricsWindow: 35m, stabilization: 10m}", nameof(Signal.ProcessedRate), 35 },
        { "{type: throughput, metricsWindow: 35m, stabilization: 10m}", nameof(Signal.BusyRatio), 35 },
        { "{type: throughput, metricsWindow: 35m, stabilization: 10m}", nameof(Signal.SourceLagMessages), 35 },
        { "{type: latency-guard, barrierLatencyP99: 10s, sourceLagSeconds: 60s, for: 45m}", nameof(Signal.BarrierLatencyP99), 45 },
        { "{type: latency-guard, barrierLatencyP99: 10s, sourceLagSeconds: 60s, for: 45m}", nameof(Signal.SourceLagSeconds), 45 },
        { "{type: latency-guard, barrierLatencyP99: 10s, sourceLagSeconds: 60s, for: 45m}", nameof(Signal.BarrierLatencyP99Capped), 45 },
        { "{type: predictive, metricsWindow: 45m, stabilization: 5m}", nameof(Signal.ProcessedRate), 45 },
        { "{type: fixed, replicas: 3}", nameof(Signal.IngestRate), 30 }, // the scenario's window is the floor
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void Each_signal_reaches_back_as_far_as_its_policies_read(string policy, string signal, int minutes)
    {
        var horizon = SignalHorizon.Of(SpecParser.Parse($"compute: {{maxReplicas: 20, policies: [{policy}]}}", "p.yaml"), Floor);

        Assert.Equal(TimeSpan.FromMinutes(minutes), horizon.Fine[(int)Enum.Parse<Signal>(signal)]);
    }

    [Fact]
    public void The_compaction_backlog_window_and_the_forecast_history_are_kept()
    {
        var horizon = SignalHorizon.Of(SpecParser.Parse("""
            compute: {maxReplicas: 20, policies: [{type: predictive, history: 3d}]}
            compactor: {maxReplicas: 8, policies: [{type: compaction, pendingWindow: 2h}]}
            """, "p.yaml"), Floor);

        Assert.Equal(TimeSpan.FromHours(2), horizon.Fine[(int)Signal.CompactionPendingBytes]);
        Assert.Equal(TimeSpan.FromDays(3), horizon.History);
        Assert.Equal(Floor, horizon.Fine[(int)Signal.IngestRate]); // the history beyond it comes as one-minute averages
    }
}
