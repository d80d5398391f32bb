using System.Collections.Immutable;
using System.Globalization;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Overrides;

namespace RwAutoscaler.Autoscaler.Overrides;

/// <summary>
/// An annotation the daemon could not use, and what it does instead (<see cref="Effect"/>): a Warning event names both.
/// </summary>
internal sealed record OverrideProblem(string Annotation, string Value, string Message, string Effect = "ignored")
{
    public override string ToString() => $"{Annotation}: {Message} (got '{Value}')";
}

/// <summary>What the annotations of a RisingWave ask for: the engine's overrides, and dry-run (which is the daemon's).</summary>
internal sealed record OverrideSet
{
    public static OverrideSet None { get; } = new();

    public ScalingOverrides Engine { get; init; } = ScalingOverrides.None;

    public bool DryRun { get; init; }

    public DateTimeOffset? DryRunUntil { get; init; }

    public ImmutableArray<OverrideProblem> Problems { get; init; } = [];

    /// <summary>Dry run in force at <paramref name="now"/>.</summary>
    public bool DryRunAt(DateTimeOffset now) => DryRun && (DryRunUntil is not { } until || until > now);
}

/// <summary>
/// Reads the manual overrides operators put on a RisingWave resource (prefix <c>rwautoscaler.dev/</c>; docs/overrides.md
/// has the table). Each value is <c>&lt;value&gt;</c> or <c>&lt;value&gt; until &lt;RFC 3339 time&gt;</c>. Fail closed: an
/// override that cannot be read holds what it was meant for (a bad <c>paused</c> or <c>dry-run</c>, or an unknown name
/// nearest to one of them, holds every component; a bad pin or bound holds its component), and is reported. An
/// unknown name near nothing known is only reported.
/// </summary>
internal static class OverrideAnnotations
{
    public const string Prefix = "rwautoscaler.dev/";
    public const string Paused = Prefix + "paused";
    public const string DryRun = Prefix + "dry-run";

    /// <summary>Every annotation the daemon reads, for suggestions when one is misspelt.</summary>
    public static IReadOnlyList<string> Known { get; } =
    [
        Paused, DryRun,
        Prefix + "compute-replicas", Prefix + "compute-min-replicas", Prefix + "compute-max-replicas",
        Prefix + "compactor-replicas", Prefix + "compactor-min-replicas", Prefix + "compactor-max-replicas",
    ];

    /// <summary>
    /// What a decision depended on among the annotations: ours and the operator's pause, in order. A write re-reads the
    /// RisingWave and compares, so a pause or a pin set while a decision waited (a backoff, a Retry-After, a queue)
    /// stops it.
    /// </summary>
    public static string Fingerprint(IReadOnlyDictionary<string, string>? annotations) =>
        annotations is null ? "" : string.Join('\n', annotations
            .Where(a => a.Key.StartsWith(Prefix, StringComparison.Ordinal) || a.Key == "risingwave.risingwavelabs.com/pause-reconcile")
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => $"{a.Key}={a.Value}"));

    /// <summary>The largest pin or bound accepted when the daemon names none (<c>--max-override-replicas</c>).</summary>
    public const int DefaultMaxReplicas = 1000;

    public static OverrideSet Parse(IReadOnlyDictionary<string, string>? annotations, int maxReplicas = DefaultMaxReplicas)
    {
        if (annotations is null || !annotations.Keys.Any(k => k.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            return OverrideSet.None;
        }

        var problems = ImmutableArray.CreateBuilder<OverrideProblem>();
        PauseOverride? pause = null;
        var dryRun = false;
        DateTimeOffset? dryRunUntil = null;
        var pins = ImmutableArray.CreateBuilder<PinOverride>();
        var bounds = ImmutableArray.CreateBuilder<BoundsOverride>();
        var holds = new SortedDictionary<ComponentKind, string>();
        void Hold(string annotation, string value, string message, params ComponentKind[] kinds)
        {
            foreach (var kind in kinds)
            {
                holds.TryAdd(kind, $"{annotation}: {message}");
            }

            problems.Add(new OverrideProblem(annotation, value, message, $"holding {string.Join(" and ", kinds.Select(k => k.ToName()))} where it is until it is fixed"));
        }

        var everything = new[] { ComponentKind.Compute, ComponentKind.Compactor };
        foreach (var (name, raw) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var value = raw.Trim();
            switch (name)
            {
                case Paused or DryRun:
                    if (Flag(value) is not { } flag)
                    {
                        Hold(name, raw, FlagForm, everything);
                    }
                    else if (name == Paused && flag.On)
                    {
                        pause = new PauseOverride(flag.Until);
                    }
                    else if (name == DryRun)
                    {
                        (dryRun, dryRunUntil) = (flag.On, flag.Until);
                    }

                    break;
                default:
                    if (!TryComponentAnnotation(name, out var kind, out var what))
                    {
                        var close = Closest(name);
                        var message = $"unknown annotation{(close is null ? "" : $"; did you mean {close}?")} Known: {string.Join(", ", Known)}";
                        if (close is Paused or DryRun)
                        {
                            Hold(name, raw, message, everything);
                        }
                        else
                        {
                            problems.Add(new OverrideProblem(name, raw, message));
                        }

                        break;
                    }

                    // A pin of 0 would stop the component, which the autoscaler never does (scale the RisingWave itself).
                    var least = what == "replicas" ? 1 : 0;
                    if (Count(value, least, maxReplicas) is not { } count)
                    {
                        Hold(name, raw, $"expected a replica count from {least} to {maxReplicas}, optionally followed by 'until <RFC 3339 time>'", kind);
                        break;
                    }

                    switch (what)
                    {
                        case "replicas":
                            pins.Add(new PinOverride(kind, count.Replicas, count.Until));
                            break;
                        case "min-replicas":
                            bounds.Add(new BoundsOverride(kind, count.Replicas, null, count.Until));
                            break;
                        default:
                            bounds.Add(new BoundsOverride(kind, null, count.Replicas, count.Until));
                            break;
                    }

                    break;
            }
        }

        foreach (var kind in new[] { ComponentKind.Compute, ComponentKind.Compactor })
        {
            var min = bounds.Where(b => b.Component == kind && b.MinReplicas is not null).Select(b => b.MinReplicas).FirstOrDefault();
            var max = bounds.Where(b => b.Component == kind && b.MaxReplicas is not null).Select(b => b.MaxReplicas).FirstOrDefault();
            if (min is { } lo && max is { } hi && lo > hi)
            {
                var n = kind.ToName();
                Hold($"{Prefix}{n}-min-replicas", lo.ToString(CultureInfo.InvariantCulture), $"must not exceed {Prefix}{n}-max-replicas ({hi}); both are ignored", kind);
                bounds.RemoveAll(b => b.Component == kind);
            }
        }

        return new OverrideSet
        {
            Engine = new ScalingOverrides
            {
                Pause = pause,
                Pins = pins.ToImmutable(),
                Bounds = bounds.ToImmutable(),
                Holds = [.. holds.Select(h => new HoldOverride(h.Key, h.Value))],
            },
            DryRun = dryRun,
            DryRunUntil = dryRunUntil,
            Problems = problems.ToImmutable(),
        };
    }

    private static bool TryComponentAnnotation(string name, out ComponentKind kind, out string what)
    {
        var rest = name[Prefix.Length..];
        foreach (var candidate in new[] { ComponentKind.Compute, ComponentKind.Compactor })
        {
            var head = candidate.ToName() + "-";
            if (rest.StartsWith(head, StringComparison.Ordinal) && rest[head.Length..] is "replicas" or "min-replicas" or "max-replicas")
            {
                kind = candidate;
                what = rest[head.Length..];
                return true;
            }
        }

        kind = default;
        what = "";
        return false;
    }

    private const string FlagForm = "expected exactly 'true', 'false', 'true until <RFC 3339 time>' or a time such as 2026-11-21T18:00:00Z";

    // Exactly "true", "false", "true until <time>", or a lone time ("true until <time>"); nothing else (not TRUE, yes, 1, on).
    private static (bool On, DateTimeOffset? Until)? Flag(string value)
    {
        var (head, until, ok) = SplitUntil(value);
        return !ok ? null
            : head == "true" ? (true, until)
            : head == "false" && until is null ? (false, null)
            : until is null && TryTime(head, out var time) ? (true, time)
            : null;
    }

    private static (int Replicas, DateTimeOffset? Until)? Count(string value, int least, int most)
    {
        var (head, until, ok) = SplitUntil(value);
        return ok && int.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out var replicas) && replicas >= least && replicas <= most
            ? (replicas, until)
            : null;
    }

    private static (string Head, DateTimeOffset? Until, bool Ok) SplitUntil(string value)
    {
        var at = value.IndexOf(" until ", StringComparison.Ordinal);
        if (at < 0)
        {
            return (value, null, value.Length > 0);
        }

        var head = value[..at].Trim();
        return TryTime(value[(at + 7)..].Trim(), out var until) && head.Length > 0 ? (head, until, true) : (head, null, false);
    }

    private static bool TryTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(
            text,
            ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out time)
        && (text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 19 && text[^6] is '+' or '-'));

    private static string? Closest(string name)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var known in Known)
        {
            var distance = Distance(name, known);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (known, distance);
            }
        }

        return bestDistance <= 3 ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }
}
