using System.Collections.Immutable;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Overrides;

namespace RwAutoscaler.Policies.Guards;

/// <summary>Manual overrides: pause, pin, temporary bounds. Expired ones are reported and ignored.</summary>
internal static class OverrideGuard
{
    private static readonly ExplanationTemplate Paused = new("paused by an override");
    private static readonly ExplanationTemplate PausedUntil = new("paused by an override for {0:0}s more", "remainingSeconds");
    private static readonly ExplanationTemplate Pinned = new("pinned at {0} by an override", "replicas");
    private static readonly ExplanationTemplate Held = new("held: an override could not be read");

    /// <summary>The active overrides of one component after dropping the expired ones.</summary>
    public readonly record struct Active(bool Paused, DateTimeOffset? PausedUntil, int? Pin, int? Min, int? Max, ImmutableArray<string> Expired, bool Held = false);

    public static Active Resolve(ScalingOverrides overrides, ComponentKind component, DateTimeOffset now)
    {
        List<string>? expired = null;
        var paused = false;
        DateTimeOffset? pausedUntil = null;
        if (overrides.Pause is { } pause)
        {
            if (pause.Until is { } until && until <= now)
            {
                (expired ??= []).Add($"pause (expired {TimeText.Rfc3339(until)})");
            }
            else
            {
                paused = true;
                pausedUntil = pause.Until;
            }
        }

        int? pin = null;
        foreach (var p in overrides.Pins)
        {
            if (p.Component != component)
            {
                continue;
            }

            if (p.Until is { } until && until <= now)
            {
                (expired ??= []).Add($"pin of {component.ToName()} at {p.Replicas} (expired {TimeText.Rfc3339(until)})");
            }
            else
            {
                pin = p.Replicas;
            }
        }

        int? min = null, max = null;
        foreach (var b in overrides.Bounds)
        {
            if (b.Component != component)
            {
                continue;
            }

            if (b.Until is { } until && until <= now)
            {
                (expired ??= []).Add($"bounds of {component.ToName()} (expired {TimeText.Rfc3339(until)})");
            }
            else
            {
                min = b.MinReplicas ?? min;
                max = b.MaxReplicas ?? max;
            }
        }

        var held = overrides.Holds.Any(h => h.Component == component);
        return new Active(paused, pausedUntil, pin, min, max, expired is null ? [] : [.. expired], held);
    }

    /// <summary>Pause or pin decide outright; returns null when neither applies.</summary>
    public static int? Decide(in Active active, int current, DateTimeOffset now, ref GuardTrail trail)
    {
        // Before pause and pin: an unreadable override may have been either.
        if (active.Held)
        {
            trail.Add("hold", current, current, Held);
            return current;
        }

        if (active.Paused)
        {
            if (active.PausedUntil is { } until)
            {
                trail.Add("pause", current, current, PausedUntil, new Numbers((until - now).TotalSeconds));
            }
            else
            {
                trail.Add("pause", current, current, Paused);
            }

            return current;
        }

        if (active.Pin is { } pin)
        {
            trail.Add("pin", current, pin, Pinned, new Numbers(pin));
            return pin;
        }

        return null;
    }
}
