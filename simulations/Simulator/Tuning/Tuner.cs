using System.Collections.Immutable;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Simulator.Running;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Workloads;

namespace RwAutoscaler.Simulator.Tuning;

/// <summary>
/// Searches a policy's parameters against scenarios, in parallel on all cores. The first candidate is the base
/// policy as written; then a Latin hypercube spreads 60% of the budget over the space, and the rest perturbs the
/// best candidates found so far with a shrinking step. All random draws happen before each parallel round, so a
/// seed gives the same result on any number of cores.
/// </summary>
internal sealed class Tuner
{
    private readonly SearchSpace _space;
    private readonly SimulationRunner[] _runners;
    private readonly double[] _hours;

    public Tuner(SearchSpace space, IReadOnlyList<SimulationPlan> plans)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(plans);
        _space = space;
        _runners = plans.Select(p => new SimulationRunner(p.Scenario, p.Workload, p.Bound)).ToArray();
        _hours = plans.Select(p => p.Workload.Duration.TotalHours).ToArray();
    }

    /// <summary>Evaluates <paramref name="budget"/> candidates; <paramref name="progress"/> gets the number done.</summary>
    public TuningResult Run(int budget, int parallelism, Action<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        var rng = new Rng(_space.Seed);
        var dimensions = _space.Parameters.Length;
        var candidates = new List<Candidate>(budget);
        var done = 0;

        void Evaluate(IReadOnlyList<double[]?> batch)
        {
            var results = new Candidate[batch.Count];
            var offset = candidates.Count;
            Parallel.For(
                0,
                batch.Count,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellation },
                i =>
                {
                    results[i] = Score(offset + i, batch[i]);
                    progress?.Invoke(Interlocked.Increment(ref done));
                });
            candidates.AddRange(results);
        }

        // The base as written, then the global phase.
        Evaluate([null]);
        var global = Math.Min(budget - 1, Math.Max(parallelism, (int)Math.Round(0.6 * (budget - 1))));
        if (global > 0)
        {
            Evaluate(LatinHypercube(global, dimensions, rng));
        }

        // The local phase: perturb the best so far, with a step shrinking from 0.15 to 0.03 of each range.
        var round = Math.Max(8, 2 * parallelism);
        while (candidates.Count < budget)
        {
            cancellation.ThrowIfCancellationRequested();
            var size = Math.Min(round, budget - candidates.Count);
            var progressShare = (double)(candidates.Count - global) / Math.Max(1, budget - global);
            var sigma = 0.15 - (0.12 * progressShare);
            var parents = candidates.Where(c => !c.Units.IsDefaultOrEmpty).OrderBy(c => c.Objective).Take(5).ToList();
            var batch = new List<double[]?>(size);
            for (var i = 0; i < size; i++)
            {
                batch.Add(parents.Count == 0 ? Uniform(dimensions, rng) : Perturb(parents[rng.Next(parents.Count)].Units, sigma, rng));
            }

            Evaluate(batch);
        }

        var best = candidates.OrderBy(c => c.Objective).ThenBy(c => c.MeanCostRatio).First();
        return new TuningResult(candidates, TuningResult.Front(candidates), best, candidates[0]);
    }

    /// <summary>The policy file of a candidate: the base tree with its values set.</summary>
    public ConfigNode Tree(Candidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var tree = _space.Base;
        if (candidate.Units.IsDefaultOrEmpty)
        {
            return tree;
        }

        for (var i = 0; i < _space.Parameters.Length; i++)
        {
            tree = _space.Parameters[i].Path.Set(tree, candidate.Values[i]);
        }

        return tree;
    }

    private Candidate Score(int index, double[]? units)
    {
        var values = units is null ? [] : _space.Parameters.Select((p, i) => p.ValueAt(units[i])).ToImmutableArray();
        var candidate = new Candidate
        {
            Index = index,
            Units = units is null ? [] : [.. units],
            Values = values,
            Scores = [],
            MeanCostRatio = 0,
            MeanViolationFraction = 0,
            Objective = 0,
        };
        PolicyFile policy;
        try
        {
            policy = PolicyFile.FromNode(Tree(candidate), Path.GetFileName(_space.BasePath), "candidate", _space.Registry);
        }
        catch (SpecException)
        {
            // Parameters that contradict each other (a minimum above a target): not a policy, never the best.
            return candidate with { MeanCostRatio = double.PositiveInfinity, MeanViolationFraction = 1, Objective = double.PositiveInfinity };
        }

        var scores = _runners.Select(r => r.Run(policy, recordTimeline: false).Scores).ToImmutableArray();
        var cost = scores.Average(s => s.CostRatio);
        var violation = scores.Average(s => s.ViolationFraction);

        // A rescale limit is a constraint, not a price: any excess puts the candidate behind every one within it.
        var excess = _space.MaxCompactorRescalesPerHour is { } limit
            ? scores.Select((s, i) => Math.Max(0, (s.CompactorRescales / _hours[i]) - limit)).Sum()
            : 0;
        return candidate with
        {
            Scores = scores,
            MeanCostRatio = cost,
            MeanViolationFraction = violation,
            Objective = scores.Average(s => s.CostRatio + (_space.ViolationWeight * s.ViolationFraction)) + (excess > 0 ? 1000 + excess : 0),
            Feasible = excess == 0,
        };
    }

    private static List<double[]?> LatinHypercube(int count, int dimensions, Rng rng)
    {
        var points = new double[count][];
        for (var i = 0; i < count; i++)
        {
            points[i] = new double[dimensions];
        }

        for (var d = 0; d < dimensions; d++)
        {
            var strata = Enumerable.Range(0, count).ToArray();
            for (var i = count - 1; i > 0; i--)
            {
                var j = rng.Next(i + 1);
                (strata[i], strata[j]) = (strata[j], strata[i]);
            }

            for (var i = 0; i < count; i++)
            {
                points[i][d] = (strata[i] + rng.NextDouble()) / count;
            }
        }

        return [.. points];
    }

    private static double[] Uniform(int dimensions, Rng rng) => Enumerable.Range(0, dimensions).Select(_ => rng.NextDouble()).ToArray();

    private static double[] Perturb(ImmutableArray<double> parent, double sigma, Rng rng)
    {
        var child = new double[parent.Length];
        for (var d = 0; d < child.Length; d++)
        {
            child[d] = Math.Clamp(parent[d] + (sigma * rng.NextGaussian()), 0, 0.999999);
        }

        return child;
    }
}
