using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.Guards;

/// <summary>
/// HPA's scaling policies through the whole engine, against the examples of the HPA documentation
/// ("Scaling policies", "Default behavior", "Example: limit scale down rate", "Example: disable scale down").
/// </summary>
public sealed class RateLimitGuardTests
{
    private static AutoscalingSpec FixedSpec(int replicas, string behavior, int min = 1) => Build.Spec($"""
        compute:
          minReplicas: {min}
          maxReplicas: 1000
          policies:
            - type: fixed
              replicas: {replicas}
          behavior:
        {behavior}
        """);

    /// <summary>Runs the engine once a minute from <paramref name="start"/>, acting on every decision.</summary>
    private static List<int> Steps(AutoscalingSpec spec, int start, int steps, TimeSpan? every = null)
    {
        var engine = new Policies.Engine.ScalingEngine(spec);
        var session = new Policies.Engine.ScalingSession(engine);
        var replicas = start;
        var seen = new List<int>();
        for (var i = 0; i < steps; i++)
        {
            var now = Build.Now + ((every ?? TimeSpan.FromMinutes(1)) * i);
            var observation = Build.Cluster(Build.Component(ComponentKind.Compute, replicas)) with { Time = now };
            var decision = session.Decide(observation).Components[0];
            session.Record(decision, acted: true);
            replicas = decision.To;
            seen.Add(replicas);
        }

        return seen;
    }

    [Fact]
    public void Docs_scale_down_policies_pick_the_largest_change_by_default()
    {
        // "if there are 80 replicas and the target has to be scaled down to 10 replicas then during the first step
        // 8 replicas will be reduced. In the next iteration when the number of replicas is 72, 10% of the pods is
        // 7.2 but the number is rounded up to 8. ... When the number of replicas falls below 40 the first policy
        // (Pods) is applied and 4 replicas will be reduced at a time."
        var spec = FixedSpec(10, """
              scaleDown:
                stabilizationWindowSeconds: 0
                policies:
                  - type: Pods
                    value: 4
                    periodSeconds: 60
                  - type: Percent
                    value: 10
                    periodSeconds: 60
        """);

        var steps = Steps(spec, 80, 14);

        Assert.Equal([72, 64, 57, 51, 45, 40, 36, 32, 28, 24, 20, 16, 12, 10], steps);
    }

    [Fact]
    public void Docs_select_policy_min_picks_the_smallest_change()
    {
        // "no more than 5 Pods are removed per minute ... selectPolicy to Min": 10% of 80 is 8, so 5 is removed.
        var spec = FixedSpec(10, """
              scaleDown:
                stabilizationWindowSeconds: 0
                selectPolicy: Min
                policies:
                  - type: Percent
                    value: 10
                    periodSeconds: 60
                  - type: Pods
                    value: 5
                    periodSeconds: 60
        """);

        var steps = Steps(spec, 80, 3);

        Assert.Equal([75, 70, 65], steps);
    }

    [Fact]
    public void Docs_percent_limit_allows_ten_percent_a_minute()
    {
        // "To limit the rate at which pods are removed by the HPA to 10% per minute".
        var spec = FixedSpec(1, """
              scaleDown:
                stabilizationWindowSeconds: 0
                policies:
                  - type: Percent
                    value: 10
                    periodSeconds: 60
        """);

        Assert.Equal([90, 81, 72], Steps(spec, 100, 3));
    }

    [Fact]
    public void Docs_disabled_scale_down_never_removes_pods()
    {
        var spec = FixedSpec(1, """
              scaleDown:
                selectPolicy: Disabled
        """);

        Assert.All(Steps(spec, 10, 5), replicas => Assert.Equal(10, replicas));
    }

    [Fact]
    public void Docs_default_scale_up_adds_four_pods_or_doubles_every_15_seconds()
    {
        // "There are 2 policies where 4 pods or a 100% of the currently running replicas may at most be added every
        // 15 seconds till the HPA reaches its steady state."
        var spec = FixedSpec(100, "    {}");

        var steps = Steps(spec, 1, 6, TimeSpan.FromSeconds(15));

        Assert.Equal([5, 10, 20, 40, 80, 100], steps);
    }

    [Fact]
    public void Changes_within_the_period_count_against_the_limit()
    {
        // periodStartReplicas = current - added within the period: after 1 -> 5 in this 60 s period, only up to 9.
        var spec = FixedSpec(100, """
              scaleUp:
                policies:
                  - type: Pods
                    value: 4
                    periodSeconds: 60
        """);

        var steps = Steps(spec, 1, 4, TimeSpan.FromSeconds(15));

        Assert.Equal([5, 5, 5, 5], steps);
        Assert.Equal([5, 9, 13], Steps(spec, 1, 3, TimeSpan.FromSeconds(61)));
    }

    [Fact]
    public void Limits_follow_the_hpa_formulas()
    {
        var up = new ScalingRules(TimeSpan.Zero, SelectPolicy.Max, [new RatePolicy(RatePolicyType.Percent, 50, TimeSpan.FromSeconds(60))]);
        var down = new ScalingRules(TimeSpan.Zero, SelectPolicy.Max, [new RatePolicy(RatePolicyType.Percent, 50, TimeSpan.FromSeconds(60))]);
        var history = ScalingHistory.Empty;

        // Scale-up rounds up: ceil(3 * 1.5) = 5; scale-down rounds down: floor(3 * 0.5) = 1.
        Assert.Equal(5, Policies.Guards.RateLimitGuard.ScaleUpLimit(3, ComponentKey.Compute, up, history, Build.Now));
        Assert.Equal(1, Policies.Guards.RateLimitGuard.ScaleDownLimit(3, ComponentKey.Compute, down, history, Build.Now));
    }
}
