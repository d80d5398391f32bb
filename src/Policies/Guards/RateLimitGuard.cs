using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Guards;

/// <summary>
/// HPA's scaling policies (horizontal.go, convertDesiredReplicasWithBehaviorRate): at most N pods or P percent
/// per period, counted from the replicas at the start of the period, with Max, Min or Disabled selection.
/// </summary>
internal static class RateLimitGuard
{
    private static readonly ExplanationTemplate UpLimit = new("scale-up limited to {1} by the rate policy (wanted {0})", "wanted", "limit");
    private static readonly ExplanationTemplate DownLimit = new("scale-down limited to {1} by the rate policy (wanted {0})", "wanted", "limit");
    private static readonly ExplanationTemplate UpDisabled = new("scale-up is disabled (selectPolicy: Disabled)");
    private static readonly ExplanationTemplate DownDisabled = new("scale-down is disabled (selectPolicy: Disabled)");

    public static int Apply(int desired, int current, ComponentKey component, BehaviorSpec behavior, ScalingHistory history, DateTimeOffset now, ref GuardTrail trail)
    {
        if (desired > current)
        {
            var limit = ScaleUpLimit(current, component, behavior.ScaleUp, history, now);
            if (limit < current)
            {
                limit = current; // no further scale-up until the period's events age out
            }

            if (desired > limit)
            {
                if (behavior.ScaleUp.Select == SelectPolicy.Disabled)
                {
                    trail.Add("rate-limit", desired, limit, UpDisabled);
                }
                else
                {
                    trail.Add("rate-limit", desired, limit, UpLimit, new Numbers(desired, limit));
                }

                return limit;
            }
        }
        else if (desired < current)
        {
            var limit = ScaleDownLimit(current, component, behavior.ScaleDown, history, now);
            if (limit > current)
            {
                limit = current;
            }

            if (desired < limit)
            {
                if (behavior.ScaleDown.Select == SelectPolicy.Disabled)
                {
                    trail.Add("rate-limit", desired, limit, DownDisabled);
                }
                else
                {
                    trail.Add("rate-limit", desired, limit, DownLimit, new Numbers(desired, limit));
                }

                return limit;
            }
        }

        return desired;
    }

    // calculateScaleUpLimitWithScalingRules
    internal static int ScaleUpLimit(int current, ComponentKey component, ScalingRules rules, ScalingHistory history, DateTimeOffset now)
    {
        if (rules.Select == SelectPolicy.Disabled)
        {
            return current;
        }

        var result = rules.Select == SelectPolicy.Min ? int.MaxValue : int.MinValue;
        foreach (var policy in rules.Policies)
        {
            var (added, removed) = ChangesInPeriod(component, history, now, policy.Period);
            var periodStart = current - added + removed;
            var proposed = policy.Type == RatePolicyType.Pods
                ? periodStart + policy.Value
                : (int)Math.Ceiling(periodStart * (1 + (policy.Value / 100.0)));
            result = rules.Select == SelectPolicy.Min ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }

        return result;
    }

    // calculateScaleDownLimitWithBehaviors
    internal static int ScaleDownLimit(int current, ComponentKey component, ScalingRules rules, ScalingHistory history, DateTimeOffset now)
    {
        if (rules.Select == SelectPolicy.Disabled)
        {
            return current;
        }

        // For scaling down the smallest change (Min) is the largest count.
        var result = rules.Select == SelectPolicy.Min ? int.MinValue : int.MaxValue;
        foreach (var policy in rules.Policies)
        {
            var (added, removed) = ChangesInPeriod(component, history, now, policy.Period);
            var periodStart = current - added + removed;
            var proposed = policy.Type == RatePolicyType.Pods
                ? periodStart - policy.Value
                : (int)(periodStart * (1 - (policy.Value / 100.0)));
            result = rules.Select == SelectPolicy.Min ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }

        return result;
    }

    // getReplicasChangePerPeriod, for both directions at once.
    private static (int Added, int Removed) ChangesInPeriod(ComponentKey component, ScalingHistory history, DateTimeOffset now, TimeSpan period)
    {
        var cutoff = now - period;
        int added = 0, removed = 0;
        var entries = history.Entries;
        for (var i = entries.Length - 1; i >= 0; i--)
        {
            var entry = entries[i];
            if (entry.Time <= cutoff)
            {
                break;
            }

            if (entry.Acted && entry.Component == component)
            {
                if (entry.To > entry.From)
                {
                    added += entry.To - entry.From;
                }
                else
                {
                    removed += entry.From - entry.To;
                }
            }
        }

        return (added, removed);
    }
}
