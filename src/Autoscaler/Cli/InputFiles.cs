using RwAutoscaler.Autoscaler.ExternalPolicies;
using System.Collections.Immutable;
using System.Globalization;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Json;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Cli;

/// <summary>Loads the files the commands take, turning every problem into a <see cref="CliError"/> that names the file.</summary>
internal static class InputFiles
{
    public static string ReadText(FileInfo file, string option)
    {
        if (!file.Exists)
        {
            throw new CliError($"{option}: file not found: {file.FullName}");
        }

        try
        {
            return File.ReadAllText(file.FullName);
        }
        catch (IOException e)
        {
            throw new CliError($"{option}: cannot read {file.FullName}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CliError($"{option}: cannot read {file.FullName}: {e.Message}", e);
        }
    }

    public static AutoscalingSpec Policy(FileInfo file, string option = "--policy")
    {
        var text = ReadText(file, option);
        try
        {
            return SpecParser.Parse(text, file.Name, HostPolicies.Replay);
        }
        catch (SpecException e)
        {
            throw new CliError(e.Message, e);
        }
    }

    public static ClusterObservation Observation(FileInfo file)
    {
        var text = ReadText(file, "--observation");
        try
        {
            return ObservationJson.Parse(text);
        }
        catch (JsonFormatException e)
        {
            throw new CliError($"{file.Name}: {e.Message}", e);
        }
    }

    public static ImmutableArray<HistoryEntry> History(FileInfo? file)
    {
        if (file is null)
        {
            return [];
        }

        var text = ReadText(file, "--history");
        try
        {
            return HistoryJson.Parse(text);
        }
        catch (JsonFormatException e)
        {
            throw new CliError($"{file.Name}: {e.Message}", e);
        }
    }

    public static DateTimeOffset? Time(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new CliError($"{option}: expected a time such as 2026-11-21T10:00:00Z, got '{text}'");
    }

    /// <summary>A positive duration such as <c>30s</c>, <c>2m</c> or <c>1h</c>.</summary>
    public static TimeSpan Duration(string text, string option) =>
        Durations.TryParse(text, out var value) && value > TimeSpan.Zero
            ? value
            : throw new CliError($"{option}: expected a duration such as 30s, 2m or 1h, got '{text}'");

    /// <summary>An RFC 3339 time, <c>now</c>, or <c>now-DURATION</c> such as <c>now-24h</c>.</summary>
    public static DateTimeOffset TimeOrRelative(string text, string option, DateTimeOffset now)
    {
        if (text == "now")
        {
            return now;
        }

        if (text.StartsWith("now-", StringComparison.Ordinal))
        {
            return Durations.TryParse(text[4..], out var ago)
                ? now - ago
                : throw new CliError($"{option}: expected now-DURATION such as now-24h, got '{text}'");
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new CliError($"{option}: expected a time such as 2026-11-21T10:00:00Z, now or now-24h, got '{text}'");
    }
}
