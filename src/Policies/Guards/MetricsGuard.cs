using RwAutoscaler.Policies.Decisions;

namespace RwAutoscaler.Policies.Guards;

/// <summary>
/// What the engine does when policies could not see their signals: never scale down (HPA's rule for failed metrics),
/// and, if nobody has an opinion and a fallback count is configured, raise the component to it: the fallback is a
/// floor, never a way down (unlike KEDA's, which also scales down to it while its metrics fail).
/// </summary>
internal static class MetricsGuard
{
    private static readonly ExplanationTemplate Fallback = new("no policy can see its signals: raised to the fallback floor {0}", "fallbackReplicas");
    private static readonly ExplanationTemplate NoScaleDown = new("a signal is missing or stale: no scale-down (policies wanted {0})", "wanted");
    private static readonly ExplanationTemplate VetoedBy = new("scale-down vetoed while an SLO is violated or writes are stopped (policies wanted {0})", "wanted");

    public static int Apply(int recommended, int current, bool anyOpinion, bool metricsMissing, bool vetoed, int? fallback, ref GuardTrail trail)
    {
        if (!anyOpinion && metricsMissing && fallback is { } replicas && replicas > current)
        {
            trail.Add("fallback", current, replicas, Fallback, new Numbers(replicas));
            return replicas;
        }

        if (recommended < current && metricsMissing)
        {
            trail.Add("missing-metrics", recommended, current, NoScaleDown, new Numbers(recommended));
            return current;
        }

        if (recommended < current && vetoed)
        {
            trail.Add("veto", recommended, current, VetoedBy, new Numbers(recommended));
            return current;
        }

        return recommended;
    }
}
