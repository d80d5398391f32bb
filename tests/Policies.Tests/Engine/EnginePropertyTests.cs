using FsCheck;
using FsCheck.Fluent;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.Engine;

/// <summary>Invariants of the engine, checked on generated observations (FsCheck).</summary>
public sealed class EnginePropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    private const string AllPolicies = """
          policies:
            - type: throughput
              metricsWindow: 2m
              stabilization: 0s
              scaleDownInterval: 0s
            - type: utilization
            - type: latency-guard
              barrierLatencyP99: 10s
              for: 30s
        """;

    /// <summary>Load against a cluster: per-replica capacity, replicas and the load, plus which signals are broken.</summary>
    public sealed record Situation(int Min, int Max, int Current, double Load, double Capacity, double Latency, int Broken);

    private static Arbitrary<Situation> Situations() =>
        (from min in Gen.Choose(1, 5)
         from span in Gen.Choose(0, 30)
         from current in Gen.Choose(1, 40)
         from load in Gen.Choose(0, 2_000).Select(x => x * 1000.0)
         from capacity in Gen.Choose(5, 120).Select(x => x * 1000.0)
         from latency in Gen.Choose(0, 40).Select(x => x * 0.5)
         from broken in Gen.Choose(0, 7)
         select new Situation(min, min + span, current, load, capacity, latency, broken)).ToArbitrary();

    private static ScalingEngine EngineFor(Situation s, string policies = AllPolicies) => new(Build.Spec($"""
        compute:
          minReplicas: {s.Min}
          maxReplicas: {s.Max}
        {policies}
        """));

    /// <summary>What a cluster of <paramref name="replicas"/> reports under the load; broken signals are NaN.</summary>
    private static ComponentObservation Observe(Situation s, int replicas, double load, DateTimeOffset? now = null, int broken = 0)
    {
        var capacity = replicas * s.Capacity;
        var processed = Math.Min(load, capacity);
        var busy = capacity == 0 ? 1 : Math.Min(1, load / capacity);
        double Maybe(int bit, double value) => (broken & bit) != 0 ? double.NaN : value;
        var span = TimeSpan.FromMinutes(3);
        return Build.Component(
            ComponentKind.Compute, replicas,
            (Signal.IngestRate, Build.Constant(load, span, now)),
            (Signal.ProcessedRate, Build.Constant(Maybe(1, processed), span, now)),
            (Signal.BusyRatio, Build.Constant(busy, span, now)),
            (Signal.CpuUtilization, Build.Constant(Maybe(2, busy), span, now)),
            (Signal.BarrierLatencyP99, Build.Constant(Maybe(4, s.Latency), span, now)),
            (Signal.SourceLagMessages, Build.Constant(0, span, now)));
    }

    [Fact]
    public void A_decision_is_always_within_the_bounds()
    {
        Check.One(Runs, Prop.ForAll(Situations(), s =>
        {
            var decision = EngineFor(s).Evaluate(Build.Cluster(Observe(s, s.Current, s.Load, broken: s.Broken)), default).Components[0];
            return decision.To >= s.Min && decision.To <= s.Max;
        }));
    }

    [Fact]
    public void Missing_metrics_never_scale_down()
    {
        Check.One(Runs, Prop.ForAll(Situations(), s =>
        {
            var broken = s.Broken | 1; // the processed rate is always broken here
            var decision = EngineFor(s).Evaluate(Build.Cluster(Observe(s, s.Current, s.Load, broken: broken)), default).Components[0];
            return decision.To >= Math.Min(s.Current, s.Max);
        }));
    }

    [Fact]
    public void More_load_never_yields_fewer_replicas_from_utilization_or_throughput()
    {
        foreach (var policy in new[] { "type: utilization", "type: throughput\nmetricsWindow: 2m\nscaleDownInterval: 0s" })
        {
            var instance = Build.Policy(policy);
            Check.One(Runs, Prop.ForAll(Situations(), Gen.Choose(0, 500).Select(x => x * 1000.0).ToArbitrary(), (s, extra) =>
            {
                var low = instance.Propose(Build.Context(Observe(s, s.Current, s.Load)));
                var high = instance.Propose(Build.Context(Observe(s, s.Current, s.Load + extra)));
                return high.Replicas >= low.Replicas;
            }));
        }
    }

    [Fact]
    public void A_throughput_scale_down_never_exceeds_the_max_factor()
    {
        var policy = Build.Policy("type: throughput\nmetricsWindow: 2m\nscaleDownInterval: 0s\nscaleDownMaxFactor: 0.5");
        Check.One(Runs, Prop.ForAll(Situations(), s =>
        {
            var proposal = policy.Propose(Build.Context(Observe(s, s.Current, s.Load)));
            return proposal.Replicas >= Math.Ceiling(s.Current * 0.5);
        }));
    }

    [Fact]
    public void Under_steady_load_the_decision_converges_and_then_never_changes()
    {
        var policies = new[]
        {
            AllPolicies,
            """
              policies:
                - type: utilization
            """,
        };
        foreach (var spec in policies)
        {
            Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), Prop.ForAll(Situations(), s =>
            {
                var session = new ScalingSession(EngineFor(s, spec));
                var replicas = Math.Clamp(s.Current, s.Min, s.Max);
                var seen = new List<int>();
                // Four simulated hours at 15 s ticks; the cluster takes effect at once.
                for (var tick = 0; tick < 960; tick++)
                {
                    var now = Build.Now + TimeSpan.FromSeconds(15 * tick);
                    var observation = Build.Cluster(Observe(s, replicas, s.Load, now)) with { Time = now };
                    var decision = session.Decide(observation).Components[0];
                    session.Record(decision, acted: true);
                    replicas = decision.To;
                    seen.Add(replicas);
                }

                // Converged within the first three hours, and flat for the last hour.
                var lastHour = seen.Skip(720).ToList();
                return lastHour.All(r => r == lastHour[0]);
            }));
        }
    }
}
