using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Scoring;
using RwAutoscaler.Simulator.Workloads;

namespace RwAutoscaler.Simulator.Running;

/// <summary>A scenario made ready to run: its workload built, its lower bound computed, its policies loaded.</summary>
internal sealed record SimulationPlan(Scenario Scenario, Trace Workload, LowerBound Bound, IReadOnlyList<PolicyFile> Policies)
{
    /// <summary>How the clairvoyant frontier is searched (simulate's --compactor-limit asks for its limited curve).</summary>
    public Frontier.FrontierOptions Frontier { get; init; } = new();

    /// <summary>
    /// Builds the plan. <paramref name="trace"/> swaps the workload's file, <paramref name="policy"/> the scenario's
    /// policy, <paramref name="compare"/> its baselines (null: the scenario's list, or every baseline);
    /// <paramref name="registry"/> reads the policy (the host's, with its external policies).
    /// </summary>
    public static SimulationPlan Create(Scenario scenario, string? trace = null, string? policy = null, IReadOnlyList<string>? compare = null, PolicyRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (trace is not null)
        {
            scenario = scenario with { Workload = scenario.Workload.WithTrace(trace, scenario.Step) };
        }

        var workload = scenario.Workload.Build(scenario.Step, scenario.ResolvePath);
        if (workload.Values.Length == 0)
        {
            throw new SpecException(Path.GetFileName(scenario.Source), [new SpecError("workload", "is shorter than one step")]);
        }

        var bound = LowerBound.Of(scenario, workload);
        var variables = bound.Variables(scenario);
        var policies = new List<PolicyFile>();
        var ours = policy ?? scenario.Policy
            ?? throw new SpecException(Path.GetFileName(scenario.Source), [new SpecError("policy", "is not set: name a policy file in the scenario or pass --policy")]);
        policies.Add(PolicyFile.ReadFile(ours, variables, registry));
        var others = compare ?? (scenario.Compare.IsDefaultOrEmpty ? Baselines.Names : scenario.Compare);
        foreach (var other in others)
        {
            var resolved = Baselines.IsBaseline(other) ? other : scenario.ResolvePath(other);
            var file = Baselines.Resolve(resolved, variables);
            if (policies.Any(p => p.Name == file.Name))
            {
                file = file with { Name = $"{file.Name} ({other})" };
            }

            policies.Add(file);
        }

        foreach (var file in policies)
        {
            RefuseCustomSignals(file);
        }

        return new SimulationPlan(scenario, workload, bound, policies);
    }

    // The cluster model produces the catalogue's signals only: a policy that reads a custom one would hold throughout,
    // and a run that looks like a result but is not one is worse than an error.
    private static void RefuseCustomSignals(PolicyFile file)
    {
        var errors = new List<SpecError>();
        foreach (var component in file.Spec.Components)
        {
            for (var i = 0; i < component.Policies.Length; i++)
            {
                foreach (var signal in component.Policies[i].SignalsRead.Where(s => s.IsCustom).Distinct())
                {
                    errors.Add(new SpecError($"{component.Kind.ToName()}.policies[{i}]", $"reads the custom signal '{signal.Name}', which the simulator's cluster model "
                        + "does not produce; simulate policies over catalogue signals, or replay a recording that has it with 'autoscaler dry-run'"));
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new SpecException(file.Source, errors);
        }
    }

    /// <summary>Runs every policy, in parallel on all cores; <paramref name="progress"/> gets (policy index, fraction done).</summary>
    public IReadOnlyList<RunResult> Run(bool timelines, Action<int, double>? progress = null, CancellationToken cancellation = default)
    {
        var runner = new SimulationRunner(Scenario, Workload, Bound);
        var results = new RunResult[Policies.Count];
        Parallel.For(
            0,
            Policies.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellation },
            i => results[i] = runner.Run(Policies[i], timelines, progress is null ? null : new Progress(i, progress), cancellation: cancellation));
        return results;
    }

    private sealed class Progress(int index, Action<int, double> report) : IProgress<double>
    {
        public void Report(double value) => report(index, value);
    }
}
