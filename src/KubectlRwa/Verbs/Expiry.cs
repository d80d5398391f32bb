using System.CommandLine;
using System.Globalization;
using RwAutoscaler.Policies.Configuration;

namespace RwAutoscaler.KubectlRwa.Verbs;

/// <summary>--for DURATION and --until TIME: when an override ends, written as "<value> until <RFC 3339 time>".</summary>
internal sealed class Expiry
{
    public Option<string?> For { get; } = new("--for") { Description = "End the override after this long: 30m, 2h, 1h30m, 1d" };

    public Option<string?> Until { get; } = new("--until") { Description = "End the override at this time (RFC 3339): 2026-12-03T18:00:00Z" };

    public void AddTo(Command command)
    {
        command.Options.Add(For);
        command.Options.Add(Until);
    }

    /// <summary>The end, or null for an override without one.</summary>
    public DateTimeOffset? Read(ParseResult result, DateTimeOffset now)
    {
        var duration = result.GetValue(For);
        var until = result.GetValue(Until);
        if (duration is not null && until is not null)
        {
            throw new PluginError("--for and --until: give one of them, not both");
        }

        if (duration is not null)
        {
            return Durations.TryParse(duration, out var span) && span > TimeSpan.Zero
                ? Truncate(now + span)
                : throw new PluginError($"--for: expected a duration such as 30m, 2h or 1h30m, got '{duration}'");
        }

        if (until is not null)
        {
            if (!DateTimeOffset.TryParseExact(until, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                || !(until.EndsWith('Z') || until.Contains('+', StringComparison.Ordinal) || until.LastIndexOf('-') > 10))
            {
                throw new PluginError($"--until: expected an RFC 3339 time with a zone such as 2026-12-03T18:00:00Z, got '{until}'");
            }

            return time > now ? time.ToUniversalTime() : throw new PluginError($"--until: {until} is in the past");
        }

        return null;
    }

    /// <summary>An annotation value: "true", or "true until 2026-12-03T18:00:00Z".</summary>
    public static string Value(string value, DateTimeOffset? until) =>
        until is { } end ? $"{value} until {end.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}" : value;

    // Whole seconds: the annotation reads as people write it.
    private static DateTimeOffset Truncate(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
