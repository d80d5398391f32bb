using RwAutoscaler.Policies.Decisions;

namespace RwAutoscaler.Policies.Guards;

/// <summary>A rescale that is still being carried out is not interrupted: its metrics describe neither size.</summary>
internal static class RescaleGuard
{
    private static readonly ExplanationTemplate InProgress = new(
        "a rescale is in progress ({0} of {1:0|replica} ready)", "ready", "target");

    public static int Apply(int desired, int current, int ready, bool inProgress, ref GuardTrail trail)
    {
        if (!inProgress || desired == current)
        {
            return desired;
        }

        trail.Add("rescale-in-progress", desired, current, InProgress, new Numbers(ready, current));
        return current;
    }
}
