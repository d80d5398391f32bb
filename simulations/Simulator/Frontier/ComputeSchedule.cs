using RwAutoscaler.Simulator.Model;
using RwAutoscaler.Simulator.Scenarios;

namespace RwAutoscaler.Simulator.Frontier;

/// <summary>
/// Compute replicas as a scheduling problem: the model's compute dynamics step by step, the cost of the replicas the
/// spec asks for, and the SLO as the scores count it (barrier latency, and source lag as the age of the oldest
/// unconsumed message, known exactly here since the whole workload is known).
/// </summary>
internal sealed class ComputeSchedule : ISchedule<ComputeState, ComputeKey>
{
    private static readonly int[] Horizons = [1, 4, 12, 40, 120, 480];

    private readonly ModelParameters _model;
    private readonly ComputeDynamics _dynamics;
    private readonly SloSpec _slo;
    private readonly double _dt;
    private readonly double[] _rates;
    private readonly double[] _produced;    // cumulative ingest at each step boundary
    private readonly int[][]? _ahead;       // per horizon, the most replicas any step of the next H needs
    private readonly int _max;
    private readonly double _unit;          // one replica-second of processing, to bucket the backlog

    /// <param name="need">Replicas each step needs (the floor's schedule); null tries every count (an exact search).</param>
    public ComputeSchedule(Scenario scenario, ReadOnlySpan<double> rates, int[]? need, int maxReplicas)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        _model = scenario.Model;
        _dynamics = new ComputeDynamics(_model);
        _slo = scenario.Slo;
        _dt = scenario.Step.TotalSeconds;
        _rates = rates.ToArray();
        _max = Math.Clamp(maxReplicas, 1, _model.Compute.MaxReplicas);
        _produced = new double[_rates.Length + 1];
        for (var i = 0; i < _rates.Length; i++)
        {
            _produced[i + 1] = _produced[i] + (_rates[i] * _dt);
        }

        _unit = Math.Max(1, ClusterModel.Capacity(_model.Compute, 1));
        if (need is not null)
        {
            _ahead = Horizons.Select(h => WindowMax.Ahead(need, h)).ToArray();
        }
    }

    public int Steps => _rates.Length;

    public IEnumerable<ComputeState> Initial()
    {
        var counts = _ahead is null ? Enumerable.Range(1, _max) : Around(_ahead[^1][0]);
        return counts.Distinct().Select(n => ComputeState.Initial(_dynamics, n));
    }

    public bool CanAct(in ComputeState state) => !state.Rescaling;

    public void Candidates(int step, in ComputeState state, List<int> into)
    {
        if (_ahead is null)
        {
            for (var n = 1; n <= _max; n++)
            {
                into.Add(n);
            }

            return;
        }

        // What the coming minutes to hours need, a little more (warm-up halves capacity after a move) or less
        // (running short for a while can be worth its violation), and one step from where it is.
        for (var h = 0; h < _ahead.Length; h++)
        {
            var n = _ahead[h][step];
            Add(into, n);
            Add(into, n + 1);
            if (h <= 1)
            {
                Add(into, n - 1);
                Add(into, n + 2);
            }
        }

        Add(into, state.Target - 1);
        Add(into, state.Target + 1);
    }

    public double Scale(ref ComputeState state, int replicas)
    {
        state.Scale(_dynamics, replicas);
        return 0;
    }

    public (double Cost, double Violation) Advance(ref ComputeState state, int step)
    {
        var cost = state.Target * _model.Compute.CoresPerReplica * _dt;
        state.Step(_dynamics, _dt, _rates[step]);
        var lag = state.Backlog > 0 ? LagSeconds(_produced[step + 1] - state.Backlog, step + 1) : 0;
        return (cost, _slo.IsViolated(state.Latency, lag) ? _dt : 0);
    }

    public ComputeKey Key(in ComputeState s)
    {
        if (_ahead is null)
        {
            return new ComputeKey(0, 0, s, Exact: true);
        }

        var pods = s.Pods;
        var counts = (long)(uint)pods.Target | ((long)pods.Ready << 10) | ((long)pods.Starting << 20) | ((long)s.Active << 30) | ((long)s.ActiveAfterPause << 40)
            | ((long)(Start(s) + 4) << 50);
        var backlog = s.Backlog <= 0 ? 0 : 1 + (int)Math.Log2(1 + (s.Backlog / _unit));
        var delay = Math.Min((long)(s.Overload / 2), (1L << 30) - 1);
        var timing = (long)(uint)Pause(s) | ((long)(Warmup(s) + 1) << 16) | ((long)backlog << 32) | (delay << 34);
        return new ComputeKey(counts, timing, default, Exact: false);
    }

    public int Replicas(in ComputeState state) => state.Target;

    // Replicas and how far into a rescale: schedules that moved at different times stay apart until they have settled.
    public int Group(in ComputeState state) => HashCode.Combine(state.Target, Start(state) is var start && start >= 0 ? start / 30 : start, Pause(state) > 0, Warmup(state) >= 0, state.Backlog > 0);

    // Seconds until starting pods are ready; -1 while meta has yet to reschedule them, -2 when settled.
    private static int Start(in ComputeState s) =>
        s.Pods.Starting > 0 ? Math.Clamp((int)Math.Round(s.Pods.ReadyAt - s.Now), 0, 1000) : (s.RescheduleAt < double.PositiveInfinity ? -1 : -2);

    // Time left in a pause, to 5 s.
    private static int Pause(in ComputeState s) => s.PauseUntil > s.Now ? Math.Min((int)Math.Ceiling((s.PauseUntil - s.Now) / 5), 0xFFFF) : 0;

    // Steps into the warm-up; -1 when warm.
    private int Warmup(in ComputeState s) =>
        s.Now - s.WarmupFrom < _model.Rescale.WarmupDuration.TotalSeconds ? Math.Min((int)((s.Now - s.WarmupFrom) / _dt), 0xFFFE) : -1;

    // The age of the oldest unconsumed message: when the producers passed the consumer's position.
    private double LagSeconds(double consumed, int boundary)
    {
        var k = Array.BinarySearch(_produced, 0, boundary + 1, consumed);
        if (k < 0)
        {
            k = ~k - 1;
        }
        else
        {
            while (k < boundary && _produced[k + 1] <= consumed)
            {
                k++;
            }
        }

        var now = boundary * _dt;
        if (consumed <= _produced[k] || k >= boundary)
        {
            return Math.Max(0, now - (k * _dt));
        }

        var produced = (k + ((consumed - _produced[k]) / (_produced[k + 1] - _produced[k]))) * _dt;
        return Math.Max(0, now - produced);
    }

    private IEnumerable<int> Around(int n) => Enumerable.Range(n - 2, 6).Select(c => Math.Clamp(c, 1, _max));

    private void Add(List<int> into, int n)
    {
        n = Math.Clamp(n, 1, _max);
        if (!into.Contains(n))
        {
            into.Add(n);
        }
    }
}

/// <summary>
/// Which compute states the search merges: replica counts exactly; time left in a start to the second and in a
/// pause to 5 s; warm-up to the step; backlog on a log2 scale; overload to 2 s; packed into two numbers, which makes
/// the search's merging several times cheaper than comparing states. An exact search compares whole states.
/// </summary>
internal readonly record struct ComputeKey(long Counts, long Timing, ComputeState State, bool Exact)
{
    public bool Equals(ComputeKey other) =>
        Counts == other.Counts && Timing == other.Timing && Exact == other.Exact && (!Exact || State.Equals(other.State));

    public override int GetHashCode() => Exact ? State.GetHashCode() : HashCode.Combine(Counts, Timing);
}
