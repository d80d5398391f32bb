using System.Globalization;
using RwAutoscaler.Simulator.Model;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Workloads;

namespace RwAutoscaler.Simulator.Scoring;

/// <summary>
/// The cheapest replica schedule that meets the SLO with perfect knowledge of the workload: at every step, the
/// fewest warm compute replicas whose capacity keeps utilisation low enough for the barrier-latency SLO, and the
/// fewest compactors that keep up with the compaction demand. It ignores every rescale cost (pod start,
/// reschedule pause, recovery, warm-up), the polling interval and the minimum of one decision per tick, so no
/// policy can reach it. It also gives up the lag headroom the SLO allows (it never lets a backlog build), so on
/// short bursts a policy that rides out a spike within the lag SLO can come in slightly under it.
/// </summary>
internal sealed record LowerBound
{
    /// <summary>Compute replicas per step.</summary>
    public required int[] Compute { get; init; }

    /// <summary>Compactor replicas per step.</summary>
    public required int[] Compactor { get; init; }

    public required double ComputeReplicaHours { get; init; }

    public required double CompactorReplicaHours { get; init; }

    /// <summary>Compute plus compactor core-hours: the cost every ratio is against.</summary>
    public required double CoreHours { get; init; }

    /// <summary>Utilisation of warm capacity the latency SLO allows.</summary>
    public required double Utilization { get; init; }

    /// <summary>Steps whose ingest no replica count within the node pool can process (the partition cap or the pool).</summary>
    public required int InfeasibleSteps { get; init; }

    public int PeakCompute => Compute.Length == 0 ? 1 : Compute.Max();

    public int PeakCompactor => Compactor.Length == 0 ? 1 : Compactor.Max();

    /// <summary>Replicas at the start of a run: what the first 15 minutes need.</summary>
    public (int Compute, int Compactor) Initial(TimeSpan step)
    {
        var steps = Math.Max(1, (int)Math.Ceiling(TimeSpan.FromMinutes(15) / step));
        return (Compute.Take(steps).DefaultIfEmpty(1).Max(), Compactor.Take(steps).DefaultIfEmpty(1).Max());
    }

    public static LowerBound Of(Scenario scenario, Trace workload)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(workload);
        var model = scenario.Model;
        var utilization = SloUtilization(scenario);
        var pool = model.Compute.MaxReplicas;
        var capacity = new double[pool + 1];
        for (var n = 1; n <= pool; n++)
        {
            capacity[n] = ClusterModel.Capacity(model.Compute, n) * utilization;
        }

        // The replica count past which more replicas add nothing (the partition cap).
        var useful = pool;
        while (useful > 1 && capacity[useful - 1] >= capacity[useful])
        {
            useful--;
        }

        var compute = new int[workload.Values.Length];
        var compactor = new int[workload.Values.Length];
        var infeasible = 0;
        double computeSteps = 0, compactorSteps = 0;
        for (var i = 0; i < compute.Length; i++)
        {
            var rate = workload.Values[i];
            var n = LowestReaching(capacity, useful, rate);
            if (n < 0)
            {
                infeasible++;
                n = useful;
            }

            compute[i] = n;
            var cores = ClusterModel.CompactionCores(model.Compactor, rate);
            compactor[i] = Math.Clamp((int)Math.Ceiling((cores / model.Compactor.CoresPerReplica) - 1e-9), 1, model.Compactor.MaxReplicas);
            computeSteps += compute[i];
            compactorSteps += compactor[i];
        }

        var hours = scenario.Step.TotalHours;
        return new LowerBound
        {
            Compute = compute,
            Compactor = compactor,
            ComputeReplicaHours = computeSteps * hours,
            CompactorReplicaHours = compactorSteps * hours,
            CoreHours = ((computeSteps * model.Compute.CoresPerReplica) + (compactorSteps * model.Compactor.CoresPerReplica)) * hours,
            Utilization = utilization,
            InfeasibleSteps = infeasible,
        };
    }

    /// <summary>
    /// Barrier latency at utilisation rho is idle/(1-rho) in the model, so the latency SLO L allows rho up to
    /// 1 - idle/L; without a latency SLO any utilisation short of saturation keeps the lag at zero.
    /// </summary>
    public static double SloUtilization(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var latency = scenario.Model.Latency;
        var max = latency.MaxQueueingUtilization;
        if (scenario.Slo.BarrierLatency is not { } slo)
        {
            return max;
        }

        var idle = latency.IdleLatencyIntervals * latency.BarrierInterval.TotalSeconds;
        return Math.Clamp(1 - (idle / slo.TotalSeconds), 0.05, max);
    }

    /// <summary>The placeholders baseline files use, for this scenario.</summary>
    public IReadOnlyDictionary<string, string> Variables(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var model = scenario.Model;
        var keda = scenario.KedaLagThreshold ?? Math.Round(ClusterModel.Capacity(model.Compute, 1) * 30);
        return new Dictionary<string, string>
        {
            ["peakComputeReplicas"] = PeakCompute.ToString(CultureInfo.InvariantCulture),
            ["peakCompactorReplicas"] = PeakCompactor.ToString(CultureInfo.InvariantCulture),
            ["maxComputeReplicas"] = model.Compute.MaxReplicas.ToString(CultureInfo.InvariantCulture),
            ["maxCompactorReplicas"] = model.Compactor.MaxReplicas.ToString(CultureInfo.InvariantCulture),
            ["kedaLagThreshold"] = keda.ToString("0", CultureInfo.InvariantCulture),
        };
    }

    private static int LowestReaching(double[] capacity, int useful, double rate)
    {
        if (rate <= capacity[1])
        {
            return 1;
        }

        if (rate > capacity[useful])
        {
            return -1;
        }

        int lo = 1, hi = useful;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (capacity[mid] >= rate)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }
}
