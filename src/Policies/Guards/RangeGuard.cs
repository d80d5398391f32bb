using RwAutoscaler.Policies.Decisions;

namespace RwAutoscaler.Policies.Guards;

/// <summary>
/// Bounds, as HPA applies them: a target scaled to zero by hand is left alone (implicit maintenance mode),
/// a target outside the bounds is moved inside at once, and every result is clamped at the end.
/// </summary>
internal static class RangeGuard
{
    private static readonly ExplanationTemplate Disabled = new(
        "scaled to 0 by hand: autoscaling is off until it is scaled up or minReplicas is 0 (HPA maintenance mode)");

    private static readonly ExplanationTemplate AboveMax = new("{0} is above maxReplicas {1}", "current", "maxReplicas");
    private static readonly ExplanationTemplate BelowMin = new("{0} is below minReplicas {1}", "current", "minReplicas");
    private static readonly ExplanationTemplate ClampMax = new("capped at maxReplicas {1}", "wanted", "maxReplicas");
    private static readonly ExplanationTemplate ClampMin = new("raised to minReplicas {1}", "wanted", "minReplicas");

    /// <summary>The HPA guard rails that bypass everything else; null when the current count is in range.</summary>
    public static int? OutOfRange(int current, int min, int max, ref GuardTrail trail)
    {
        if (current == 0 && min != 0)
        {
            trail.Add("scaling-disabled", current, current, Disabled);
            return current;
        }

        if (current > max)
        {
            trail.Add("bounds", current, max, AboveMax, new Numbers(current, max));
            return max;
        }

        if (current < min)
        {
            trail.Add("bounds", current, min, BelowMin, new Numbers(current, min));
            return min;
        }

        return null;
    }

    public static int Clamp(int desired, int min, int max, ref GuardTrail trail)
    {
        if (desired > max)
        {
            trail.Add("bounds", desired, max, ClampMax, new Numbers(desired, max));
            return max;
        }

        if (desired < min)
        {
            trail.Add("bounds", desired, min, ClampMin, new Numbers(desired, min));
            return min;
        }

        return desired;
    }
}
