using RwAutoscaler.Simulator.Model;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Scoring;
using RwAutoscaler.Simulator.Workloads;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Scoring;

public class LowerBoundTests
{
    private static readonly Scenario Scenario = TestFiles.Synthetic(
        new SineWorkload { Duration = TimeSpan.FromHours(2), Mean = 600_000, Amplitude = 400_000, Period = TimeSpan.FromHours(1) });

    [Fact]
    public void The_latency_slo_sets_the_utilisation_the_bound_sizes_for()
    {
        // Latency at utilisation rho is 0.5 s / (1 - rho): a 10 s SLO allows rho = 0.95.
        Assert.Equal(0.95, LowerBound.SloUtilization(Scenario), 9);
        Assert.Equal(0.99, LowerBound.SloUtilization(Scenario with { Slo = new SloSpec(null, TimeSpan.FromMinutes(1)) }), 9);
    }

    [Fact]
    public void Each_step_gets_the_fewest_replicas_that_carry_it()
    {
        var workload = Scenario.Workload.Build(Scenario.Step, p => p);
        var bound = LowerBound.Of(Scenario, workload);
        var compute = Scenario.Model.Compute;

        for (var i = 0; i < workload.Values.Length; i++)
        {
            var n = bound.Compute[i];
            Assert.True(ClusterModel.Capacity(compute, n) * bound.Utilization >= workload.Values[i]);
            Assert.True(n == 1 || ClusterModel.Capacity(compute, n - 1) * bound.Utilization < workload.Values[i]);
        }

        Assert.Equal(0, bound.InfeasibleSteps);
        Assert.Equal(bound.Compute.Max(), bound.PeakCompute);
    }

    [Fact]
    public void Its_cost_counts_compute_and_compactor_cores()
    {
        var workload = Scenario.Workload.Build(Scenario.Step, p => p);
        var bound = LowerBound.Of(Scenario, workload);
        var hours = Scenario.Step.TotalHours;

        Assert.Equal(bound.Compute.Sum() * hours, bound.ComputeReplicaHours, 9);
        Assert.Equal((bound.ComputeReplicaHours * 8) + (bound.CompactorReplicaHours * 2), bound.CoreHours, 9);
        // Sizing every step for the peak (static) can only cost more.
        Assert.True(bound.CoreHours < ((bound.PeakCompute * 8) + (bound.PeakCompactor * 2)) * workload.Duration.TotalHours);
    }

    [Fact]
    public void Load_beyond_the_partition_cap_is_infeasible_and_sized_at_the_cap()
    {
        var capped = Scenario with { Model = new ModelParameters { Compute = new ComputeParameters { Partitions = 2, EventsPerPartitionSecond = 300_000 } } };
        var workload = capped.Workload.Build(capped.Step, p => p);

        var bound = LowerBound.Of(capped, workload);

        Assert.True(bound.InfeasibleSteps > 0);
        Assert.True(bound.PeakCompute <= 6);
    }
}
