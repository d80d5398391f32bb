using System.Collections.Concurrent;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Scoring;
using RwAutoscaler.Simulator.Workloads;

namespace RwAutoscaler.Simulator.Frontier;

/// <summary>How hard the frontier search looks: the prices of violation swept, and the labels kept per step.</summary>
internal sealed record FrontierOptions
{
    /// <summary>Core-seconds one second of SLO violation is worth, from 0 (cost only) to a price no saving pays.</summary>
    public IReadOnlyList<double> Prices { get; init; } = [0, 8, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 1024, 4096];

    /// <summary>
    /// A ladder of <paramref name="count"/> prices: 0, then <c>count - 1</c> spread evenly on a log scale from 4 to
    /// 4,096. Each price finds one schedule, so more prices fill the gaps the shipped ladder leaves between the
    /// curve's points, at a search time that grows with the count.
    /// </summary>
    public static IReadOnlyList<double> LogLadder(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 3);
        return [0, .. Enumerable.Range(0, count - 1).Select(i => 4 * Math.Pow(1024, (double)i / (count - 2)))];
    }

    /// <summary>Labels the compute search keeps per step (beyond the best of each group); null: as many as <see cref="LabelBudget"/> allows.</summary>
    public int? ComputeBeam { get; init; }

    /// <summary>
    /// Labels x steps one compute search may keep: a short trace is searched with up to 2,048 labels a step, two
    /// weeks at 15 s (80,640 steps) with 256, so that the frontier of two weeks stays within two minutes on 2 cores.
    /// </summary>
    public long LabelBudget { get; init; } = 5_000_000;

    public int ComputeBeamFor(int steps) => ComputeBeam ?? (int)Math.Clamp(LabelBudget / Math.Max(1, steps), 256, 2048);

    public int CompactorBeam { get; init; } = 128;

    /// <summary>
    /// Also search the frontier of schedules within this many compactor rescales an hour (null: do not): each compute
    /// schedule's compactors are searched again at every price of <see cref="CompactorRescalePrices"/>.
    /// </summary>
    public double? CompactorRescaleLimit { get; init; }

    /// <summary>
    /// Core-seconds each compactor rescale is charged in the limited search: 1, 2 and 8 compactor-hours of 2 cores.
    /// The limit is met by some price that differs from scenario to scenario, so a few are swept and the
    /// schedules within the limit are kept.
    /// </summary>
    public IReadOnlyList<double> CompactorRescalePrices { get; init; } = [7200, 14400, 57600];
}

/// <summary>
/// The clairvoyant frontier of a scenario: for each price of violation, the cheapest compute schedule that knows the
/// whole workload, decides every step and pays every rescale cost of the model (a search over the model's own
/// dynamics); then the cheapest compactor schedule that never stops writes under what that compute processes; then
/// both replayed through the model, which gives the point. Every point is a real schedule's score, so the frontier
/// can only be above the true optimum, never below it. Asked for, the same compute schedules with compactors searched
/// under a price on each compactor rescale give a second frontier, of the schedules within a compactor rescale limit.
/// </summary>
internal static class FrontierSolver
{
    private const double WriteStopPrice = 1e6;

    public static Frontier Solve(Scenario scenario, Trace workload, LowerBound bound, FrontierOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(bound);
        options ??= new FrontierOptions();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var steps = workload.Values.Length;
        var max = Math.Min(scenario.Model.Compute.MaxReplicas, bound.PeakCompute + 3);
        var compute = new ComputeSchedule(scenario, workload.Values, bound.Compute, max);
        var done = 0;

        // Neighbouring prices often find the same compute schedule: its compactors and its scores are searched once.
        var limit = options.CompactorRescaleLimit;
        double[] compactorPrices = limit is null ? [0] : [0, .. options.CompactorRescalePrices];
        var scored = new ConcurrentDictionary<ComputePlan, Lazy<Scores[]>>();
        var found = new FrontierPoint[options.Prices.Count][];
        Parallel.For(
            0,
            options.Prices.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellation },
            i =>
            {
                var price = options.Prices[i];
                var plan = LagrangianSearch.Run(compute, price, options.ComputeBeamFor(steps), cancellation);
                var scores = scored.GetOrAdd(new ComputePlan(plan.Initial, plan.Actions), key => new Lazy<Scores[]>(() =>
                {
                    var ample = new Schedule(key.Initial, key.Actions, scenario.Model.Compactor.MaxReplicas, Schedule.Hold(steps));
                    var (_, processed) = ScheduleReplay.Run(scenario, workload, bound, ample, "frontier");
                    return compactorPrices.Select(rescalePrice =>
                    {
                        var problem = new CompactorSchedule(scenario.Model, scenario.Step, processed, workload.Values, rescalePrice);
                        var compactors = LagrangianSearch.Run(problem, WriteStopPrice, options.CompactorBeam, cancellation);
                        var schedule = ample with { CompactorInitial = compactors.Initial, Compactor = compactors.Actions };
                        return ScheduleReplay.Run(scenario, workload, bound, schedule, "frontier").Scores;
                    }).ToArray();
                })).Value;
                found[i] = scores.Select(s => new FrontierPoint(price, s.ViolationSeconds, s.CoreHours, s.ComputeRescales, s.CompactorRescales)).ToArray();
                progress?.Report((double)Interlocked.Increment(ref done) / (options.Prices.Count + 1));
            });

        // Static provisioning at and above the peak need: the zero-violation end, whatever the search kept.
        var statics = Enumerable.Range(bound.PeakCompute, 3).Where(n => n <= scenario.Model.Compute.MaxReplicas).Select(n =>
        {
            var (scores, _) = ScheduleReplay.Run(scenario, workload, bound, Schedule.Static(n, bound.PeakCompactor, steps), "static");
            return new FrontierPoint(double.PositiveInfinity, scores.ViolationSeconds, scores.CoreHours, 0, 0);
        }).ToList();
        var hours = workload.Duration.TotalHours;
        var frontier = new Frontier(Frontier.Pareto(found.Select(f => f[0]).Concat(statics)), clock.Elapsed)
        {
            WithinCompactorLimit = limit is { } perHour
                ? new LimitedFrontier(perHour, new Frontier(Frontier.Pareto(found.SelectMany(f => f).Where(p => p.CompactorRescales <= perHour * hours).Concat(statics)), clock.Elapsed))
                : null,
        };
        progress?.Report(1);
        return frontier;
    }
}

/// <summary>A compute schedule as a dictionary key: two searches that found the same one share its compactor search.</summary>
internal sealed record ComputePlan(int Initial, short[] Actions)
{
    public bool Equals(ComputePlan? other) => other is not null && Initial == other.Initial && Actions.AsSpan().SequenceEqual(other.Actions);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Initial);
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Actions.AsSpan()));
        return hash.ToHashCode();
    }
}
