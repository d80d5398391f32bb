using RwAutoscaler.Simulator.Model;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Scoring;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Scoring;

public class ScoreKeeperTests
{
    [Fact]
    public void Violation_time_latency_lag_and_cost_are_counted_from_the_truth()
    {
        var step = TimeSpan.FromSeconds(15);
        var keeper = new ScoreKeeper(new SloSpec(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)), new ModelParameters(), step, 100);
        for (var i = 0; i < 100; i++)
        {
            keeper.Add(new ModelSample
            {
                BarrierLatency = i < 10 ? 30 : 1,             // 10 steps over the latency SLO
                LagSeconds = i is >= 5 and < 20 ? 90 : 0,      // 15 steps over the lag SLO, 5 of them overlapping
                LagMessages = i,
                ReportedLagMessages = 1e12,                    // signals do not count, the truth does
                ComputePods = 4,
                CompactorPods = 1,
            });
        }

        keeper.ComputeRescales = 3;
        var bound = new LowerBound
        {
            Compute = [], Compactor = [], ComputeReplicaHours = 0, CompactorReplicaHours = 0, CoreHours = 5.5, Utilization = 0.95, InfeasibleSteps = 0,
        };
        var scores = keeper.Finish("p", bound, new double[100]);

        Assert.Equal(20 * 15, scores.ViolationSeconds);
        Assert.Equal(0.2, scores.ViolationFraction, 9);
        Assert.Equal(30, scores.P99BarrierLatencySeconds);
        Assert.Equal(99, scores.MaxLagMessages);
        Assert.Equal(90, scores.MaxLagSeconds);
        Assert.Equal(100 * 4 * 15 / 3600.0, scores.ComputeReplicaHours, 9);
        Assert.Equal((scores.ComputeReplicaHours * 8) + (scores.CompactorReplicaHours * 2), scores.CoreHours, 9);
        Assert.Equal(scores.CoreHours / 5.5, scores.CostRatio, 9);
        Assert.Equal(3, scores.Rescales);
        Assert.Equal(0, scores.LoadSteps);
        Assert.Null(scores.ConvergenceMeanSeconds);
    }
}
