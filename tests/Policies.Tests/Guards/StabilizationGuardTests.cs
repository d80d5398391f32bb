using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.Guards;

/// <summary>HPA's stabilization windows (docs "Stabilization window"; horizontal.go stabilizeRecommendationWithBehaviors).</summary>
public sealed class StabilizationGuardTests
{
    private static readonly ScalingEngine Engine = new(Build.Spec("""
        compute:
          maxReplicas: 100
          policies:
            - type: fixed
              replicas: 2
          behavior:
            scaleUp:
              stabilizationWindowSeconds: 120
            scaleDown:
              stabilizationWindowSeconds: 300
        """));

    private static int Decide(int current, params (int AgoSeconds, int Recommended)[] past)
    {
        var history = Build.History(past.OrderByDescending(p => p.AgoSeconds)
            .Select(p => Build.Recommendation(TimeSpan.FromSeconds(p.AgoSeconds), current, p.Recommended)).ToArray());
        return Engine.Evaluate(Build.Cluster(Build.Component(ComponentKind.Compute, current)), history).Components[0].To;
    }

    [Fact]
    public void Scale_down_uses_the_highest_recommendation_in_the_window()
    {
        // "the algorithm looks into previously computed desired states, and uses the highest value from the specified interval"
        Assert.Equal(7, Decide(8, (290, 7), (200, 5), (100, 3)));
    }

    [Fact]
    public void Recommendations_older_than_the_window_do_not_count()
    {
        Assert.Equal(3, Decide(8, (310, 7), (100, 3)));
    }

    [Fact]
    public void A_recommendation_at_or_above_current_in_the_window_blocks_the_scale_down()
    {
        Assert.Equal(8, Decide(8, (250, 9), (10, 3)));
    }

    [Fact]
    public void Scale_up_uses_the_lowest_recommendation_in_its_window()
    {
        var engine = new ScalingEngine(Build.Spec("""
            compute:
              maxReplicas: 100
              policies:
                - type: fixed
                  replicas: 10
              behavior:
                scaleUp:
                  stabilizationWindowSeconds: 120
            """));
        var history = Build.History(
            Build.Recommendation(TimeSpan.FromSeconds(100), 4, 6),
            Build.Recommendation(TimeSpan.FromSeconds(50), 4, 9));

        var decision = engine.Evaluate(Build.Cluster(Build.Component(ComponentKind.Compute, 4)), history).Components[0];

        Assert.Equal(10, decision.Recommended);
        Assert.Equal(6, decision.To);
        Assert.Equal("stabilization", decision.Guards[0].Guard);
        Assert.Contains("120s stabilization window", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_behavior_holds_scale_down_for_five_minutes_and_scales_up_at_once()
    {
        var engine = new ScalingEngine(Build.Spec("""
            compute:
              maxReplicas: 100
              policies:
                - type: fixed
                  replicas: 2
            """));
        var history = Build.History(Build.Recommendation(TimeSpan.FromSeconds(299), 6, 6));

        Assert.Equal(6, engine.Evaluate(Build.Cluster(Build.Component(ComponentKind.Compute, 6)), history).Components[0].To);
        var later = Build.History(Build.Recommendation(TimeSpan.FromSeconds(301), 6, 6));
        Assert.Equal(2, engine.Evaluate(Build.Cluster(Build.Component(ComponentKind.Compute, 6)), later).Components[0].To);
    }
}
