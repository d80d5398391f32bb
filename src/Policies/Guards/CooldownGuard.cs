using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.History;

namespace RwAutoscaler.Policies.Guards;

/// <summary>No new action in a direction until its cooldown after the last action has passed.</summary>
internal static class CooldownGuard
{
    private static readonly ExplanationTemplate Cooling = new(
        "cooling down after the last rescale: {0:0}s of {1:0}s left", "remainingSeconds", "cooldownSeconds");

    public static int Apply(int desired, int current, CooldownSpec cooldown, HistoryEntry? lastAction, DateTimeOffset now, ref GuardTrail trail)
    {
        if (lastAction is null || desired == current)
        {
            return desired;
        }

        var period = desired > current ? cooldown.ScaleUp : cooldown.ScaleDown;
        var elapsed = now - lastAction.Time;
        if (elapsed >= period)
        {
            return desired;
        }

        trail.Add("cooldown", desired, current, Cooling, new Numbers((period - elapsed).TotalSeconds, period.TotalSeconds));
        return current;
    }
}
