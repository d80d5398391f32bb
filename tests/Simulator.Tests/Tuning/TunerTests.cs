using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Simulator.Running;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Tuning;
using RwAutoscaler.Simulator.Workloads;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Tuning;

public class TunerTests
{
    private const string Policy = """
        compute:
          minReplicas: 1
          maxReplicas: 32
          policies:
            - type: throughput
              targetUtilization: 0.7
              metricsWindow: 5m
        compactor:
          maxReplicas: 8
          policies:
            - type: compaction
        """;

    private static string SpaceText(string basePath) => $"""
        base: {basePath}
        seed: 3
        objective:
          violationWeight: 10
        parameters:
          - path: compute.policies[0].targetUtilization
            min: 0.5
            max: 0.9
          - path: compute.policies[0].metricsWindow
            values: [1m, 3m, 10m]
          - path: compute.policies[0].scaleDownInterval
            min: 1m
            max: 30m
        """;

    private static (SearchSpace Space, SimulationPlan Plan) Setup()
    {
        var policy = TestFiles.Write("base.yaml", Policy);
        var space = SearchSpaceParser.Parse(SpaceText(policy), TestFiles.Write("space.yaml", SpaceText(policy)));
        var scenario = TestFiles.Synthetic(new StepWorkload { Duration = TimeSpan.FromHours(2), Levels = [200_000, 800_000], Hold = TimeSpan.FromMinutes(30) });
        return (space, SimulationPlan.Create(scenario, policy: space.BasePath, compare: []));
    }

    [Fact]
    public void A_path_sets_a_value_and_adds_a_missing_last_key()
    {
        var root = ConfigLoader.Parse(Policy, "p.yaml");
        Assert.True(ConfigPath.TryParse("compute.policies[0].targetUtilization", out var path, out _));
        Assert.True(ConfigPath.TryParse("compute.policies[0].catchUpDuration", out var added, out _));

        var spec = SpecParser.Read(added.Set(path.Set(root, "0.85"), "7m"), "p.yaml");

        var throughput = Assert.IsType<Policies.BuiltIn.ThroughputPolicySpec>(spec.Components[0].Policies[0]);
        Assert.Equal(0.85, throughput.TargetUtilization);
        Assert.Equal(TimeSpan.FromMinutes(7), throughput.CatchUpDuration);
    }

    [Theory]
    [InlineData("compute.policies[3].targetUtilization", "has no item [3]")]
    [InlineData("compute.nothing.here", "the base policy has no 'nothing'")]
    public void A_path_that_is_not_in_the_base_is_named(string text, string expected)
    {
        Assert.True(ConfigPath.TryParse(text, out var path, out _));

        var error = Assert.Throws<InvalidOperationException>(() => path.Set(ConfigLoader.Parse(Policy, "p.yaml"), "1"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_yaml_writer_round_trips_a_policy()
    {
        var root = ConfigLoader.Parse(Policy + "\n  behavior:\n    scaleUp:\n      policies:\n        - type: Pods\n          value: 4\n          periodSeconds: 15\n", "p.yaml");

        var text = YamlWriter.Write(root, "a header\nof two lines");

        Assert.StartsWith("# a header\n# of two lines\n", text, StringComparison.Ordinal);
        Assert.Equal(SpecParser.Read(root, "p.yaml"), SpecParser.Parse(text, "written.yaml"), new SpecComparer());
    }

    [Theory]
    [InlineData("    min: 0.5\n    max: 0.9\n", "    min: 0.9\n    max: 0.5\n", "line 7: parameters[0].min: must not exceed max (0.5), got 0.9")]
    [InlineData("    min: 0.5\n    max: 0.9\n", "    min: 0.5\n", "line 6: parameters[0]: must set min and max")]
    [InlineData("max: 30m", "max: 30", "parameters[2].min: min and max must both be numbers or both durations")]
    [InlineData("targetUtilization\n    min: 0.5\n    max: 0.9\n", "targetUtilization\n    min: 0.5\n    max: 1.5\n", "line 6: parameters[0]: compute.policies[0].targetUtilization = 1.5 makes the policy invalid")]
    [InlineData("scaleDownInterval", "scaleDownIntervl", "line 11: parameters[2]: compute.policies[0].scaleDownIntervl = 1m makes the policy invalid")]
    public void A_bad_space_is_reported_with_file_line_and_field(string good, string bad, string expected)
    {
        var policy = TestFiles.Write("base.yaml", Policy);
        var text = SpaceText(policy).Replace(good, bad, StringComparison.Ordinal);

        var error = Assert.ThrowsAny<Exception>(() => SearchSpaceParser.Parse(text, "/tmp/space.yaml"));

        Assert.Contains("space.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_search_returns_a_pareto_front_and_a_best_no_worse_than_the_base()
    {
        var (space, plan) = Setup();

        var result = new Tuner(space, [plan]).Run(12, parallelism: 2);

        Assert.Equal(12, result.Candidates.Count);
        Assert.True(result.Best.Objective <= result.Base.Objective);
        Assert.Contains(result.Best, result.Pareto);
        foreach (var candidate in result.Pareto)
        {
            Assert.DoesNotContain(result.Candidates, other => other.Dominates(candidate));
        }

        Assert.All(result.Candidates.Skip(1), c => Assert.Equal(3, c.Values.Length));
    }

    [Fact]
    public void A_candidate_over_the_compactor_rescale_limit_ranks_behind_every_one_within_it()
    {
        // The compactors' target makes candidates rescale them more or less often.
        var policy = TestFiles.Write("base.yaml", Policy);
        var text = SpaceText(policy) + "\n  - path: compactor.policies[0].targetSlotUtilization\n    min: 0.2\n    max: 0.95\n";
        var space = SearchSpaceParser.Parse(text, TestFiles.Write("space.yaml", text));
        var (_, plan) = Setup();
        var free = new Tuner(space, [plan]).Run(12, parallelism: 2);
        var hours = plan.Workload.Duration.TotalHours;
        var rates = free.Candidates.Select(c => c.Scores.Max(s => s.CompactorRescales / hours)).Order().ToList();
        var limit = rates[rates.Count / 2]; // about half the candidates are over it
        Assert.True(rates[^1] > limit, "some candidate must rescale compactors more than others");

        var limited = new Tuner(space with { MaxCompactorRescalesPerHour = limit }, [plan]).Run(12, parallelism: 2);

        static bool Within(Candidate c, double limit, double hours) => c.Scores.All(s => s.CompactorRescales / hours <= limit);
        Assert.True(Within(limited.Best, limit, hours));
        var worstWithin = limited.Candidates.Where(c => Within(c, limit, hours)).Max(c => c.Objective);
        Assert.All(limited.Candidates.Where(c => !Within(c, limit, hours)), c => Assert.True(c.Objective > worstWithin));
        Assert.All(limited.Pareto, c => Assert.True(c.Feasible));
    }

    [Fact]
    public void A_seed_gives_the_same_search_on_any_number_of_cores()
    {
        var (space, plan) = Setup();

        var one = new Tuner(space, [plan]).Run(10, parallelism: 1);
        var two = new Tuner(space, [plan]).Run(10, parallelism: 2);

        Assert.Equal(one.Candidates.Select(c => c.Objective), two.Candidates.Select(c => c.Objective));
        Assert.Equal(one.Best.Values.ToArray(), two.Best.Values.ToArray());
    }

    [Fact]
    public void The_best_policy_file_is_the_base_with_the_best_values()
    {
        var (space, plan) = Setup();
        var tuner = new Tuner(space, [plan]);
        var result = tuner.Run(8, parallelism: 2);

        var written = SpecParser.Parse(YamlWriter.Write(tuner.Tree(result.Best)), "best.yaml");

        var throughput = Assert.IsType<Policies.BuiltIn.ThroughputPolicySpec>(written.Components[0].Policies[0]);
        if (!result.Best.Values.IsDefaultOrEmpty)
        {
            Assert.Equal(double.Parse(result.Best.Values[0], System.Globalization.CultureInfo.InvariantCulture), throughput.TargetUtilization);
        }
    }

    private sealed class SpecComparer : IEqualityComparer<AutoscalingSpec>
    {
        public bool Equals(AutoscalingSpec? x, AutoscalingSpec? y) =>
            x is not null && y is not null && x.StaleAfter == y.StaleAfter && x.Components.Length == y.Components.Length
            && x.Components.Zip(y.Components).All(p => p.First.Policies.SequenceEqual(p.Second.Policies)
                && p.First.MaxReplicas == p.Second.MaxReplicas && p.First.Behavior.ScaleUp.Policies.SequenceEqual(p.Second.Behavior.ScaleUp.Policies));

        public int GetHashCode(AutoscalingSpec obj) => 0;
    }
}
