using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Guards;

/// <summary>
/// HPA's stabilization windows (horizontal.go, stabilizeRecommendationWithBehaviors): a scale-up goes no higher
/// than the lowest recommendation within the scale-up window, a scale-down no lower than the highest within
/// the scale-down window.
/// </summary>
internal static class StabilizationGuard
{
    private static readonly ExplanationTemplate HeldUp = new(
        "scale-up held by the {0:0}s stabilization window (lowest recommendation in it: {1})", "windowSeconds", "lowestRecommendation");

    private static readonly ExplanationTemplate HeldDown = new(
        "scale-down held by the {0:0}s stabilization window (highest recommendation in it: {1})", "windowSeconds", "highestRecommendation");

    public static int Apply(int recommendation, int current, ComponentKey component, BehaviorSpec behavior, ScalingHistory history, DateTimeOffset now, ref GuardTrail trail)
    {
        var upCutoff = now - behavior.ScaleUp.StabilizationWindow;
        var downCutoff = now - behavior.ScaleDown.StabilizationWindow;
        var up = recommendation;
        var down = recommendation;
        var entries = history.Entries;
        for (var i = entries.Length - 1; i >= 0; i--)
        {
            var entry = entries[i];
            if (entry.Time <= upCutoff && entry.Time <= downCutoff)
            {
                break; // entries are oldest first: nothing older can be in either window
            }

            if (entry.Component != component)
            {
                continue;
            }

            if (entry.Time > upCutoff)
            {
                up = Math.Min(up, entry.Recommended);
            }

            if (entry.Time > downCutoff)
            {
                down = Math.Max(down, entry.Recommended);
            }
        }

        var stabilized = Math.Min(Math.Max(current, up), down);
        if (stabilized != recommendation)
        {
            if (recommendation > current)
            {
                trail.Add("stabilization", recommendation, stabilized, HeldUp, new Numbers(behavior.ScaleUp.StabilizationWindow.TotalSeconds, up));
            }
            else
            {
                trail.Add("stabilization", recommendation, stabilized, HeldDown, new Numbers(behavior.ScaleDown.StabilizationWindow.TotalSeconds, down));
            }
        }

        return stabilized;
    }
}
