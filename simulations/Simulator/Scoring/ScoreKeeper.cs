using RwAutoscaler.Simulator.Model;
using RwAutoscaler.Simulator.Scenarios;

namespace RwAutoscaler.Simulator.Scoring;

/// <summary>Accumulates the scores of one run, step by step, from the model's truth (not the signals).</summary>
internal sealed class ScoreKeeper
{
    private readonly SloSpec _slo;
    private readonly ModelParameters _model;
    private readonly double _dt;
    private readonly double[] _latency;
    private readonly int[] _replicas;
    private readonly bool[] _violated;
    private int _count;
    private double _violation;
    private double _maxLag;
    private double _maxLagSeconds;
    private double _computePodSteps;
    private double _compactorPodSteps;

    public ScoreKeeper(SloSpec slo, ModelParameters model, TimeSpan step, int steps)
    {
        _slo = slo;
        _model = model;
        _dt = step.TotalSeconds;
        _latency = new double[steps];
        _replicas = new int[steps];
        _violated = new bool[steps];
    }

    public int ComputeRescales { get; set; }

    public int CompactorRescales { get; set; }

    public void Add(in ModelSample sample)
    {
        var violated = _slo.IsViolated(sample.BarrierLatency, sample.LagSeconds);
        if (violated)
        {
            _violation += _dt;
        }

        _violated[_count] = violated;
        _latency[_count] = sample.BarrierLatency;
        _replicas[_count] = sample.ComputePods;
        _count++;
        _maxLag = Math.Max(_maxLag, sample.LagMessages);
        _maxLagSeconds = Math.Max(_maxLagSeconds, sample.LagSeconds);
        _computePodSteps += sample.ComputePods;
        _compactorPodSteps += sample.CompactorPods;
    }

    public Scores Finish(string policy, LowerBound bound, ReadOnlySpan<double> workload)
    {
        ArgumentNullException.ThrowIfNull(bound);
        var hours = _dt / 3600;
        var computeHours = _computePodSteps * hours;
        var compactorHours = _compactorPodSteps * hours;
        var coreHours = (computeHours * _model.Compute.CoresPerReplica) + (compactorHours * _model.Compactor.CoresPerReplica);
        var step = TimeSpan.FromSeconds(_dt);
        var loadSteps = Convergence.FindSteps(workload[.._count], step);
        var converged = Convergence.Measure(loadSteps, _replicas.AsSpan(0, _count), _violated.AsSpan(0, _count), step);
        var settled = converged.Where(c => c is not null).Select(c => c!.Value).ToList();
        return new Scores
        {
            Policy = policy,
            ViolationSeconds = _violation,
            ViolationFraction = _count == 0 ? 0 : _violation / (_count * _dt),
            P99BarrierLatencySeconds = Percentile(_latency.AsSpan(0, _count), 0.99),
            MaxLagMessages = _maxLag,
            MaxLagSeconds = _maxLagSeconds,
            ComputeReplicaHours = computeHours,
            CompactorReplicaHours = compactorHours,
            CoreHours = coreHours,
            CostRatio = bound.CoreHours > 0 ? coreHours / bound.CoreHours : double.NaN,
            ComputeRescales = ComputeRescales,
            CompactorRescales = CompactorRescales,
            LoadSteps = loadSteps.Count,
            ConvergenceMeanSeconds = settled.Count > 0 ? settled.Average() : null,
            ConvergenceMaxSeconds = settled.Count > 0 ? settled.Max() : null,
            Unconverged = converged.Count - settled.Count,
        };
    }

    private static double Percentile(ReadOnlySpan<double> values, double quantile)
    {
        if (values.IsEmpty)
        {
            return 0;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var index = (int)Math.Ceiling(quantile * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
