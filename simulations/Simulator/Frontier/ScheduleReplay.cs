using RwAutoscaler.Simulator.Model;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Scoring;
using RwAutoscaler.Simulator.Workloads;

namespace RwAutoscaler.Simulator.Frontier;

/// <summary>A replica schedule: where each component starts, and the count set at each step (-1 holds).</summary>
internal sealed record Schedule(int ComputeInitial, short[] Compute, int CompactorInitial, short[] Compactor)
{
    public static Schedule Static(int compute, int compactor, int steps) =>
        new(compute, Hold(steps), compactor, Hold(steps));

    public static short[] Hold(int steps) => Enumerable.Repeat((short)-1, steps).ToArray();
}

/// <summary>
/// Runs a schedule through the <see cref="ClusterModel"/> and scores it exactly as the simulator scores a policy: the
/// same step order (decide, then step), the same rule that nothing is scaled while a rescale is in progress.
/// </summary>
internal static class ScheduleReplay
{
    public static (Scores Scores, double[] Processed) Run(Scenario scenario, Trace workload, LowerBound bound, Schedule schedule, string name)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(schedule);
        var values = workload.Values;
        var cluster = new ClusterModel(scenario.Model, scenario.Step, schedule.ComputeInitial, schedule.CompactorInitial);
        var scores = new ScoreKeeper(scenario.Slo, scenario.Model, scenario.Step, values.Length);
        var processed = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var compute = schedule.Compute[i];
            if (compute >= 0 && compute != cluster.ComputeTarget && !cluster.ComputeRescaling)
            {
                cluster.ScaleCompute(compute);
                scores.ComputeRescales++;
            }

            var compactor = schedule.Compactor[i];
            if (compactor >= 0 && compactor != cluster.CompactorTarget && !cluster.CompactorRescaling)
            {
                cluster.ScaleCompactor(compactor);
                scores.CompactorRescales++;
            }

            var sample = cluster.Step(values[i]);
            scores.Add(sample);
            processed[i] = sample.ProcessedRate;
        }

        return (scores.Finish(name, bound, values), processed);
    }
}
