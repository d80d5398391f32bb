using System.Collections.Immutable;
using System.Globalization;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.BuiltIn;

/// <summary>
/// <c>schedule</c>: time windows, in a time zone, during which the bounds are raised or lowered (a business
/// day floor, a nightly cap). The first window that is active wins; outside every window it has no opinion.
/// </summary>
public sealed record SchedulePolicySpec : PolicySpec
{
    public required TimeZoneInfo TimeZone { get; init; }

    public required ImmutableArray<ScheduleWindow> Windows { get; init; }
}

/// <summary>A daily window <c>[Start, End)</c> in local time; an end at or before the start runs past midnight.</summary>
public sealed record ScheduleWindow(ImmutableArray<DayOfWeek> Days, TimeSpan Start, TimeSpan End, int? MinReplicas, int? MaxReplicas)
{
    public bool IsActive(DateTime local)
    {
        var time = local.TimeOfDay;
        if (Start < End)
        {
            return time >= Start && time < End && OnDay(local.DayOfWeek);
        }

        // Wraps midnight: the part after midnight belongs to the window that started the day before.
        return (time >= Start && OnDay(local.DayOfWeek)) || (time < End && OnDay(local.AddDays(-1).DayOfWeek));
    }

    private bool OnDay(DayOfWeek day) => Days.IsDefaultOrEmpty || Days.Contains(day);
}

internal sealed class SchedulePolicyType : IPolicyType
{
    private static readonly (string, DayOfWeek)[] DayNames =
    [
        ("Mon", DayOfWeek.Monday), ("Tue", DayOfWeek.Tuesday), ("Wed", DayOfWeek.Wednesday), ("Thu", DayOfWeek.Thursday),
        ("Fri", DayOfWeek.Friday), ("Sat", DayOfWeek.Saturday), ("Sun", DayOfWeek.Sunday),
    ];

    public string Type => "schedule";

    public string Summary => "time windows (days, start, end, in a time zone) that move the bounds";

    public PolicySpec? Parse(ConfigMapReader fields, ComponentKind component)
    {
        var zoneName = fields.OptionalString("timeZone") ?? "UTC";
        TimeZoneInfo? zone = null;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(zoneName);
        }
        catch (TimeZoneNotFoundException)
        {
            fields.Fail("timeZone", fields.Field("timeZone")!, $"must be an IANA time zone such as Europe/Berlin or UTC, got '{zoneName}'");
        }
        catch (InvalidTimeZoneException)
        {
            fields.Fail("timeZone", fields.Field("timeZone")!, $"the time zone data for '{zoneName}' is invalid on this machine");
        }

        var windows = fields.List("windows", (node, path) => ReadWindow(node, path, fields.Errors));
        if (windows.IsEmpty && fields.Field("windows") is null)
        {
            fields.Errors.Add(fields.PathOf("windows"), "is required: a list of {days, start, end, minReplicas, maxReplicas}", fields.Node);
        }

        return zone is null || windows.IsEmpty ? null : new SchedulePolicySpec { Type = Type, TimeZone = zone, Windows = windows };
    }

    public IScalingPolicy Create(PolicySpec spec) => new SchedulePolicy((SchedulePolicySpec)spec);

    private static ScheduleWindow? ReadWindow(ConfigNode node, string path, SpecErrorList errors)
    {
        var map = ConfigMapReader.Open(node, path, errors);
        if (map is null)
        {
            return null;
        }

        var days = ImmutableArray.CreateBuilder<DayOfWeek>();
        if (map.Field("days") is { } daysNode)
        {
            if (daysNode is ConfigSeq seq)
            {
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    var name = (seq.Items[i] as ConfigScalar)?.Value;
                    var match = Array.FindIndex(DayNames, d => d.Item1 == name);
                    if (match < 0)
                    {
                        errors.Add($"{map.PathOf("days")}[{i}]", $"must be one of Mon, Tue, Wed, Thu, Fri, Sat, Sun, got '{name}'", seq.Items[i]);
                    }
                    else
                    {
                        days.Add(DayNames[match].Item2);
                    }
                }
            }
            else
            {
                map.Fail("days", daysNode, "must be a list of days such as [Mon, Tue]");
            }
        }

        var start = ReadClock(map, "start");
        var end = ReadClock(map, "end");
        var min = map.OptionalInteger("minReplicas", 0, 10_000);
        var max = map.OptionalInteger("maxReplicas", 0, 10_000);
        if (min is null && max is null)
        {
            errors.Add(path, "must set minReplicas, maxReplicas or both", node);
        }

        if (min is { } lo && max is { } hi && lo > hi)
        {
            map.Fail("minReplicas", map.Field("minReplicas")!, $"must not exceed maxReplicas ({hi}), got {lo}");
        }

        map.Done();
        return start is null || end is null || (min is null && max is null)
            ? null
            : new ScheduleWindow(days.ToImmutable(), start.Value, end.Value, min, max);
    }

    private static TimeSpan? ReadClock(ConfigMapReader map, string key)
    {
        var text = map.OptionalString(key);
        if (text is null)
        {
            map.Errors.Add(map.PathOf(key), "is required: a time of day such as 08:00", map.Node);
            return null;
        }

        if (TimeSpan.TryParseExact(text, ["hh\\:mm", "h\\:mm", "hh\\:mm\\:ss"], CultureInfo.InvariantCulture, out var value)
            && value < TimeSpan.FromDays(1))
        {
            return value;
        }

        if (text == "24:00")
        {
            return TimeSpan.FromDays(1);
        }

        map.Fail(key, map.Field(key)!, $"must be a time of day HH:MM, got '{text}'");
        return null;
    }
}

internal sealed class SchedulePolicy(SchedulePolicySpec spec) : IScalingPolicy
{
    private static readonly ExplanationTemplate Active = new("window {0} active: bounds [{1}, {2}] (-1: unchanged)", "window", "minReplicas", "maxReplicas");
    private static readonly ExplanationTemplate Inactive = new("no window active");

    public string Name { get; } = spec.DisplayName;

    public Proposal Propose(in PolicyContext context)
    {
        var local = TimeZoneInfo.ConvertTime(context.Now, spec.TimeZone).DateTime;
        for (var i = 0; i < spec.Windows.Length; i++)
        {
            var window = spec.Windows[i];
            if (window.IsActive(local))
            {
                return new Proposal
                {
                    Policy = Name,
                    Kind = ProposalKind.Bounds,
                    MinReplicas = window.MinReplicas,
                    MaxReplicas = window.MaxReplicas,
                    Template = Active,
                    Numbers = new Numbers(i, window.MinReplicas ?? -1, window.MaxReplicas ?? -1),
                };
            }
        }

        return new Proposal { Policy = Name, Kind = ProposalKind.Abstain, Template = Inactive };
    }
}
