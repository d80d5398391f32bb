using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.Engine;

public sealed class ScalingSessionTests
{
    private static ScalingSession Session() => new(new ScalingEngine(Build.Spec("""
        compute: {maxReplicas: 20, policies: [{type: fixed, replicas: 4}]}
        """)));

    [Fact]
    public void Records_what_the_host_did_with_each_decision()
    {
        var session = Session();
        var decision = session.Decide(Build.Cluster(Build.Component(ComponentKind.Compute, 2))).Components[0];

        var acted = session.Record(decision, acted: true);
        var skipped = session.Record(decision with { Time = decision.Time.AddSeconds(15) }, acted: false);

        Assert.True(acted.Acted);
        Assert.Equal((2, 4), (acted.From, acted.To));
        Assert.False(skipped.Acted);
        Assert.Equal((2, 2), (skipped.From, skipped.To)); // not acted: the count stayed
        Assert.Equal(4, skipped.Recommended);
        Assert.Equal(2, session.History.Count);
        Assert.Equal("compute 2 -> 4: fixed: fixed at 4", acted.Reason);
    }

    [Fact]
    public void Keeps_only_the_history_the_engine_can_read()
    {
        var session = Session();
        var horizon = session.Engine.HistoryHorizon; // HPA defaults: the 300 s scale-down window
        for (var tick = 0; tick < 400; tick++)
        {
            var now = Build.Now + TimeSpan.FromSeconds(15 * tick);
            var decision = session.Decide(Build.Cluster(Build.Component(ComponentKind.Compute, 4)) with { Time = now });
            session.RecordAll(decision, acted: false);
        }

        var oldest = session.History.Start!.Value;
        var newest = Build.Now + TimeSpan.FromSeconds(15 * 399);
        Assert.Equal(TimeSpan.FromMinutes(5), horizon);
        Assert.True(newest - oldest <= horizon + TimeSpan.FromMinutes(1), $"kept {newest - oldest}");
        Assert.True(newest - oldest >= horizon, $"kept only {newest - oldest}");
    }

    [Fact]
    public void History_must_be_recorded_in_time_order()
    {
        var session = Session();
        var decision = session.Decide(Build.Cluster(Build.Component(ComponentKind.Compute, 2))).Components[0];
        session.Record(decision, acted: false);

        Assert.Throws<ArgumentException>(() => session.Record(decision with { Time = decision.Time.AddSeconds(-1) }, acted: false));
    }

    [Fact]
    public void Seeded_history_from_a_restart_drives_the_rate_limits()
    {
        var session = Session();
        session.Seed([Build.Action(TimeSpan.FromSeconds(10), 1, 2)]);
        var engine = new ScalingEngine(Build.Spec("""
            compute:
              maxReplicas: 20
              behavior: {scaleUp: {policies: [{type: Pods, value: 1, periodSeconds: 60}]}}
              policies: [{type: fixed, replicas: 4}]
            """));
        var seeded = new ScalingSession(engine);
        seeded.Seed([Build.Action(TimeSpan.FromSeconds(10), 1, 2)]);

        var decision = seeded.Decide(Build.Cluster(Build.Component(ComponentKind.Compute, 2))).Components[0];

        Assert.Equal(2, decision.To); // 1 -> 2 happened 10 s ago: the one pod per minute is used up
        Assert.Equal("rate-limit", decision.Guards[^1].Guard);
        Assert.Equal(1, session.History.Count);
    }

    [Fact]
    public void The_last_action_it_keeps_is_the_one_a_scan_of_its_history_finds()
    {
        // Two components acting at random over hours, with entries trimmed past the 5-minute horizon: the session's
        // kept last action must be what ScalingHistory finds by scanning the entries it still holds.
        var session = new ScalingSession(new ScalingEngine(Build.Spec("""
            compute: {maxReplicas: 20, policies: [{type: fixed, replicas: 4}]}
            compactor: {maxReplicas: 8, policies: [{type: fixed, replicas: 2}]}
            """)));
        var random = new Random(7);
        var found = 0;
        for (var tick = 0; tick < 2_000; tick++)
        {
            var now = Build.Now + TimeSpan.FromSeconds(15 * tick);
            var observed = Build.Cluster(Build.Component(ComponentKind.Compute, 1 + random.Next(8)), Build.Component(ComponentKind.Compactor, 1 + random.Next(4)));
            foreach (var component in session.Decide(observed with { Time = now }).Components)
            {
                session.Record(component, acted: random.Next(40) == 0);
            }

            var scanned = new ScalingHistory(session.History.Entries.ToArray());
            foreach (var key in new[] { ComponentKey.Compute, ComponentKey.Compactor })
            {
                var kept = session.History.LastAction(key);
                Assert.Same(scanned.LastAction(key), kept);
                found += kept is null ? 0 : 1;
            }
        }

        Assert.InRange(found, 1_000, 3_999); // both the kept and the trimmed-away cases were met
    }
}
