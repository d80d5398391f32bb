using System.Collections.Immutable;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Tests.Support;

/// <summary>Short ways to build observations, specs and policies in tests.</summary>
internal static class Build
{
    public static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(15);

    /// <summary>A series of <paramref name="count"/> samples every 15 s ending at <paramref name="end"/> (default <see cref="Now"/>).</summary>
    public static Sample[] Series(int count, Func<int, double> value, DateTimeOffset? end = null)
    {
        var last = end ?? Now;
        var samples = new Sample[count];
        for (var i = 0; i < count; i++)
        {
            samples[i] = new Sample(last - (Step * (count - 1 - i)), value(i));
        }

        return samples;
    }

    public static Sample[] Constant(double value, TimeSpan span, DateTimeOffset? end = null) =>
        Series((int)(span / Step) + 1, _ => value, end);

    public static ComponentObservation Component(ComponentKind kind, int replicas, params (Signal Signal, Sample[] Samples)[] signals) => new()
    {
        Key = new ComponentKey(kind, ""),
        TargetReplicas = replicas,
        CurrentReplicas = replicas,
        ReadyReplicas = replicas,
        CoresPerReplica = kind == ComponentKind.Compute ? 8 : 4,
        Signals = SignalSet.From(signals.Select(s => new KeyValuePair<Signal, SignalWindow>(s.Signal, s.Samples))),
    };

    public static ClusterObservation Cluster(params ComponentObservation[] components) => new()
    {
        Cluster = "test/rw",
        Time = Now,
        Components = [.. components],
    };

    /// <summary>Parses a spec; the YAML of one component's policies is indented under it.</summary>
    public static AutoscalingSpec Spec(string yaml) => SpecParser.Parse(yaml, "test.yaml");

    /// <summary>Creates one policy from the YAML of its list item, inside a component with wide bounds.</summary>
    public static IScalingPolicy Policy(string policyYaml, ComponentKind kind = ComponentKind.Compute)
    {
        var indented = string.Join('\n', policyYaml.Trim().Split('\n').Select((line, i) => (i == 0 ? "    - " : "      ") + line));
        var spec = Spec($"{kind.ToName()}:\n  maxReplicas: 1000\n  policies:\n{indented}\n");
        return PolicyRegistry.BuiltIn.Create(spec.Components[0].Policies[0]);
    }

    public static PolicyContext Context(ComponentObservation component, ScalingHistory history = default, DateTimeOffset? now = null) =>
        new(component, now ?? Now, AutoscalingSpec.DefaultStaleAfter, history);

    public static ScalingHistory History(params HistoryEntry[] entries) => new(entries);

    public static HistoryEntry Action(TimeSpan ago, int from, int to, ComponentKind kind = ComponentKind.Compute) => new()
    {
        Time = Now - ago,
        Component = new ComponentKey(kind, ""),
        From = from,
        To = to,
        Recommended = to,
        Acted = true,
    };

    public static HistoryEntry Recommendation(TimeSpan ago, int current, int recommended, ComponentKind kind = ComponentKind.Compute) => new()
    {
        Time = Now - ago,
        Component = new ComponentKey(kind, ""),
        From = current,
        To = current,
        Recommended = recommended,
        Acted = false,
    };

    public static ImmutableArray<PodObservation> Pods(params PodObservation[] pods) => [.. pods];
}
