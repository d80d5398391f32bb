namespace RwAutoscaler.Simulator.Frontier;

/// <summary>One schedule the search found: the replicas set at each step (-1 holds), its cost and its violation.</summary>
internal sealed record FoundSchedule(int Initial, short[] Actions, double Cost, double Violation, double Objective);

/// <summary>
/// Dynamic programming over (step, state) for min cost + price x violation (+ the price of each act, if the problem
/// sets one), forward, with back-pointers. Each
/// surviving label is a concrete schedule run through the component's dynamics, so its cost and violation are
/// exactly what the model gives it. States with the same key are merged (the lower objective stays) and at most
/// <c>beam</c> labels survive a step: with the full state as key, every candidate and no beam the search is exact
/// (a test checks it against brute force); with coarser keys it can miss a schedule, never report a false one.
/// </summary>
internal static class LagrangianSearch
{
    private struct Label<TState>
    {
        public TState State;
        public double Objective;
        public double Cost;
        public double Violation;
        public int Parent;
        public short Action;
    }

    public static FoundSchedule Run<TState, TKey>(ISchedule<TState, TKey> problem, double price, int beam, CancellationToken cancellation = default)
        where TState : struct
        where TKey : struct, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(problem);
        var current = new List<Label<TState>>();
        foreach (var state in problem.Initial())
        {
            current.Add(new Label<TState> { State = state, Parent = -1, Action = -1 });
        }

        var initial = current.Select(l => problem.Replicas(l.State)).ToArray();
        var parents = new int[problem.Steps][];
        var actions = new short[problem.Steps][];
        var next = new List<Label<TState>>();
        var index = new Dictionary<TKey, int>();
        var candidates = new List<int>();
        var buffers = new PruneBuffers();
        for (var step = 0; step < problem.Steps; step++)
        {
            if (step % 256 == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }

            next.Clear();
            index.Clear();
            for (var p = 0; p < current.Count; p++)
            {
                var label = current[p];
                Extend(problem, price, step, label, p, -1, next, index);
                if (!problem.CanAct(label.State))
                {
                    continue;
                }

                candidates.Clear();
                problem.Candidates(step, label.State, candidates);
                var own = problem.Replicas(label.State);
                foreach (var replicas in candidates)
                {
                    if (replicas != own)
                    {
                        Extend(problem, price, step, label, p, (short)replicas, next, index);
                    }
                }
            }

            if (next.Count > beam)
            {
                Prune(problem, next, beam, buffers);
            }

            parents[step] = new int[next.Count];
            actions[step] = new short[next.Count];
            for (var i = 0; i < next.Count; i++)
            {
                parents[step][i] = next[i].Parent;
                actions[step][i] = next[i].Action;
            }

            (current, next) = (next, current);
        }

        var best = 0;
        for (var i = 1; i < current.Count; i++)
        {
            if (Better(current[i], current[best]))
            {
                best = i;
            }
        }

        var schedule = new short[problem.Steps];
        var at = best;
        for (var step = problem.Steps - 1; step >= 0; step--)
        {
            schedule[step] = actions[step][at];
            at = parents[step][at];
        }

        var winner = current[best];
        return new FoundSchedule(initial[at], schedule, winner.Cost, winner.Violation, winner.Objective);
    }

    // The best label of each group first, then the best of the rest, up to the beam.
    private static void Prune<TState, TKey>(ISchedule<TState, TKey> problem, List<Label<TState>> labels, int beam, PruneBuffers buffers)
        where TState : struct
        where TKey : struct, IEquatable<TKey>
    {
        var n = labels.Count;
        buffers.Reset(n);
        var order = buffers.Order.AsSpan(0, n);
        var objectives = buffers.Objectives.AsSpan(0, n);
        var keep = buffers.Keep.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            objectives[i] = labels[i].Objective;
        }

        objectives.Sort(order);
        var count = 0;
        foreach (var i in order)
        {
            if (buffers.Groups.Add(problem.Group(labels[i].State)))
            {
                keep[i] = true;
                count++;
            }
        }

        foreach (var i in order)
        {
            if (count >= beam)
            {
                break;
            }

            if (!keep[i])
            {
                keep[i] = true;
                count++;
            }
        }

        var write = 0;
        for (var i = 0; i < n; i++)
        {
            if (keep[i])
            {
                labels[write++] = labels[i];
            }
        }

        labels.RemoveRange(write, n - write);
    }

    private static void Extend<TState, TKey>(
        ISchedule<TState, TKey> problem, double price, int step, in Label<TState> from, int parent, short action,
        List<Label<TState>> next, Dictionary<TKey, int> index)
        where TState : struct
        where TKey : struct, IEquatable<TKey>
    {
        var state = from.State;
        var act = 0.0;   // what the problem charges for the rescale itself
        if (action >= 0)
        {
            act = problem.Scale(ref state, action);
        }

        var (cost, violation) = problem.Advance(ref state, step);
        var label = new Label<TState>
        {
            State = state,
            Cost = from.Cost + cost,
            Violation = from.Violation + violation,
            Objective = from.Objective + act + cost + (price * violation),
            Parent = parent,
            Action = action,
        };
        var key = problem.Key(state);
        if (index.TryGetValue(key, out var existing))
        {
            if (Better(label, next[existing]))
            {
                next[existing] = label;
            }
        }
        else
        {
            index[key] = next.Count;
            next.Add(label);
        }
    }

    // Lower objective; on a tie the one with less violation, then the cheaper.
    private static bool Better<TState>(in Label<TState> a, in Label<TState> b)
    {
        var tolerance = 1e-12 * Math.Max(1, Math.Abs(b.Objective));
        return a.Objective < b.Objective - tolerance
            || (Math.Abs(a.Objective - b.Objective) <= tolerance && (a.Violation < b.Violation || (a.Violation == b.Violation && a.Cost < b.Cost)));
    }

    // Reused from step to step: pruning runs on most steps of a long search.
    private sealed class PruneBuffers
    {
        public int[] Order { get; private set; } = [];

        public double[] Objectives { get; private set; } = [];

        public bool[] Keep { get; private set; } = [];

        public HashSet<int> Groups { get; } = [];

        public void Reset(int count)
        {
            if (Order.Length < count)
            {
                Order = new int[count * 2];
                Objectives = new double[count * 2];
                Keep = new bool[count * 2];
            }

            Array.Clear(Keep, 0, count);
            Groups.Clear();
        }
    }
}
