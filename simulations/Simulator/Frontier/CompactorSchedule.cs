using RwAutoscaler.Simulator.Model;

namespace RwAutoscaler.Simulator.Frontier;

/// <summary>
/// Compactor replicas as a scheduling problem, given what compute processes at each step: the cost of the replicas,
/// and as violation every step that writes stop (it throttles compute to a tenth, so the search prices it high).
/// A price on each rescale (core-seconds, objective only) makes the search trade compactor-hours for fewer rescales.
/// </summary>
internal sealed class CompactorSchedule : ISchedule<CompactorState, CompactorKey>
{
    private static readonly int[] Horizons = [1, 8, 40, 240];

    private readonly ModelParameters _model;
    private readonly double _dt;
    private readonly double[] _processed;
    private readonly double[] _ingest;
    private readonly int[][] _ahead;
    private readonly double _unit;
    private readonly double _rescalePrice;

    public CompactorSchedule(ModelParameters model, TimeSpan step, ReadOnlySpan<double> processed, ReadOnlySpan<double> ingest, double rescalePrice = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _dt = step.TotalSeconds;
        _processed = processed.ToArray();
        _ingest = ingest.ToArray();
        var perReplica = model.Compactor.CoresPerReplica;
        var need = _processed
            .Select(p => Math.Clamp((int)Math.Ceiling((ClusterModel.CompactionCores(model.Compactor, p) / perReplica) - 1e-9), 1, model.Compactor.MaxReplicas))
            .ToArray();
        _ahead = Horizons.Select(h => WindowMax.Ahead(need, h)).ToArray();
        _unit = perReplica * _dt;
        _rescalePrice = rescalePrice;
    }

    public int Steps => _processed.Length;

    public IEnumerable<CompactorState> Initial() =>
        Enumerable.Range(_ahead[^1][0] - 1, 3).Select(n => Math.Clamp(n, 1, _model.Compactor.MaxReplicas)).Distinct()
            .Select(n => CompactorState.Initial(_model, n));

    public bool CanAct(in CompactorState state) => !state.Rescaling;

    public void Candidates(int step, in CompactorState state, List<int> into)
    {
        foreach (var ahead in _ahead)
        {
            Add(into, ahead[step]);
            Add(into, ahead[step] + 1);
        }

        Add(into, state.Target - 1);
        Add(into, state.Target + 1);
    }

    public double Scale(ref CompactorState state, int replicas)
    {
        state.Scale(_model, replicas);
        return _rescalePrice;
    }

    public (double Cost, double Violation) Advance(ref CompactorState state, int step)
    {
        var cost = state.Target * _model.Compactor.CoresPerReplica * _dt;
        state.Step(_model, _dt, _processed[step], _ingest[step]);
        return (cost, state.WriteStop ? _dt : 0);
    }

    public CompactorKey Key(in CompactorState s) => new(
        s.Target,
        s.Ready,
        s.Pods.Starting > 0 ? (int)Math.Round(s.Pods.ReadyAt - s.Now) : -1,
        s.Work <= 0 ? 0 : 1 + (int)(4 * Math.Log2(1 + (s.Work / _unit))),
        (int)(s.Busy * 10),
        s.WriteStop);

    public int Replicas(in CompactorState state) => state.Target;

    public int Group(in CompactorState state) => state.Target;

    private void Add(List<int> into, int n)
    {
        n = Math.Clamp(n, 1, _model.Compactor.MaxReplicas);
        if (!into.Contains(n))
        {
            into.Add(n);
        }
    }
}

/// <summary>Which compactor states the search merges: counts exactly, work owed on a log scale, busy to a tenth.</summary>
internal readonly record struct CompactorKey(int Target, int Ready, int StartIn, int Work, int Busy, bool WriteStop);
