using RwAutoscaler.Simulator.Frontier;
using RwAutoscaler.Simulator.Model;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Scoring;
using RwAutoscaler.Simulator.Workloads;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Frontier;

public class LagrangianSearchTests
{
    // Three replicas at most, rescale costs short enough that several rescales fit in a few steps.
    private static readonly ModelParameters Tiny = new()
    {
        Compute = new ComputeParameters { MaxReplicas = 3, EventsPerCoreSecond = 1000, CoresPerReplica = 1, ScalingExponent = 1 },
        Rescale = new RescaleParameters
        {
            PodStartDelay = TimeSpan.FromSeconds(15), RescheduleTick = TimeSpan.FromSeconds(10), ReschedulePauseBase = TimeSpan.FromSeconds(2),
            PausePerActor = TimeSpan.FromSeconds(0.5), RecoveryTime = TimeSpan.FromSeconds(5), WarmupDuration = TimeSpan.FromSeconds(30),
        },
    };

    private static Scenario TinyScenario() => TestFiles.Synthetic(new StepWorkload { Duration = TimeSpan.FromMinutes(2), Levels = [1000], Hold = TimeSpan.FromHours(1) }, Tiny);

    public static TheoryData<double[]> Traces => new()
    {
        new double[] { 500, 2500, 2500, 900, 300, 2900, 2000 },
        new double[] { 2800, 100, 100, 100, 2800, 2800 },
        new double[] { 1500, 1500, 3500, 3500, 600, 600, 600 },
    };

    [Theory]
    [MemberData(nameof(Traces))]
    public void An_exact_search_finds_the_same_optimum_as_brute_force_over_every_schedule(double[] rates)
    {
        var problem = new ComputeSchedule(TinyScenario(), rates, need: null, maxReplicas: 3);
        var all = new List<(double Cost, double Violation)>();
        foreach (var initial in problem.Initial())
        {
            Enumerate(problem, initial, 0, 0, 0, all);
        }

        Assert.True(all.Count > 50, $"only {all.Count} schedules");
        foreach (var price in new[] { 0.0, 1, 5, 20, 100, 1e4 })
        {
            var found = LagrangianSearch.Run(problem, price, beam: int.MaxValue);
            var best = all.Min(s => s.Cost + (price * s.Violation));

            Assert.Equal(best, found.Objective, 6);
            Assert.Contains(all, s => Math.Abs(s.Cost - found.Cost) < 1e-6 && Math.Abs(s.Violation - found.Violation) < 1e-6);
        }
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void A_price_on_each_act_is_added_to_the_objective_and_an_exact_search_still_finds_the_optimum(double[] rates)
    {
        var compute = new ComputeSchedule(TinyScenario(), rates, need: null, maxReplicas: 3);
        var all = new List<(double Cost, double Violation)>();
        var acts = new List<int>();
        foreach (var initial in compute.Initial())
        {
            Enumerate(compute, initial, 0, 0, 0, all, acts, 0);
        }

        foreach (var actPrice in new[] { 0.0, 10, 200, 5000 })
        {
            var problem = new PricedActs(compute, actPrice);
            foreach (var price in new[] { 1.0, 20, 1e4 })
            {
                var found = LagrangianSearch.Run(problem, price, beam: int.MaxValue);
                var best = all.Select((s, i) => s.Cost + (price * s.Violation) + (actPrice * acts[i])).Min();
                var rescales = found.Actions.Count(a => a >= 0);

                Assert.Equal(best, found.Objective, 6);
                // The act price is in the objective only: cost and violation stay what the model gives the schedule.
                Assert.Equal(found.Cost + (price * found.Violation) + (actPrice * rescales), found.Objective, 6);
            }
        }

        // A high enough price on acts leaves the schedule that never rescales.
        Assert.Equal(0, LagrangianSearch.Run(new PricedActs(compute, 1e9), 1, beam: int.MaxValue).Actions.Count(a => a >= 0));
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void A_found_schedule_scores_the_same_in_the_cluster_model(double[] rates)
    {
        var scenario = TinyScenario();
        var problem = new ComputeSchedule(scenario, rates, need: null, maxReplicas: 3);
        var workload = new Trace("tiny", scenario.Step, rates);
        var bound = LowerBound.Of(scenario, workload);
        foreach (var price in new[] { 1.0, 20, 1e4 })
        {
            var found = LagrangianSearch.Run(problem, price, beam: int.MaxValue);
            var schedule = new Schedule(found.Initial, found.Actions, Tiny.Compactor.MaxReplicas, Schedule.Hold(rates.Length));

            var (scores, _) = ScheduleReplay.Run(scenario, workload, bound, schedule, "found");

            Assert.Equal(found.Violation, scores.ViolationSeconds, 9);
            Assert.Equal(found.Cost / 3600, scores.ComputeReplicaHours * Tiny.Compute.CoresPerReplica, 9);
        }
    }

    private static void Enumerate(ComputeSchedule problem, ComputeState state, int step, double cost, double violation, List<(double, double)> into, List<int>? acts = null, int acted = 0)
    {
        if (step == problem.Steps)
        {
            into.Add((cost, violation));
            acts?.Add(acted);
            return;
        }

        var choices = new List<int> { -1 };
        if (problem.CanAct(state))
        {
            choices.AddRange(Enumerable.Range(1, 3).Where(n => n != state.Target));
        }

        foreach (var choice in choices)
        {
            var next = state;
            if (choice > 0)
            {
                problem.Scale(ref next, choice);
            }

            var (c, v) = problem.Advance(ref next, step);
            Enumerate(problem, next, step + 1, cost + c, violation + v, into, acts, acted + (choice > 0 ? 1 : 0));
        }
    }

    /// <summary>The compute problem with a price on every rescale, as the compactor search under a rescale limit has.</summary>
    private sealed class PricedActs(ComputeSchedule inner, double actPrice) : ISchedule<ComputeState, ComputeKey>
    {
        public int Steps => inner.Steps;

        public IEnumerable<ComputeState> Initial() => inner.Initial();

        public bool CanAct(in ComputeState state) => inner.CanAct(state);

        public void Candidates(int step, in ComputeState state, List<int> into) => inner.Candidates(step, state, into);

        public double Scale(ref ComputeState state, int replicas) => inner.Scale(ref state, replicas) + actPrice;

        public (double Cost, double Violation) Advance(ref ComputeState state, int step) => inner.Advance(ref state, step);

        public ComputeKey Key(in ComputeState state) => inner.Key(state);

        public int Replicas(in ComputeState state) => inner.Replicas(state);

        public int Group(in ComputeState state) => inner.Group(state);
    }
}
