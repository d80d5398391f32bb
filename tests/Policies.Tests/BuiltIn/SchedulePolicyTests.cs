using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.BuiltIn;

public sealed class SchedulePolicyTests
{
    private const string Policy = """
        type: schedule
        timeZone: Europe/Berlin
        windows:
          - days: [Mon, Tue, Wed, Thu, Fri]
            start: "08:00"
            end: "20:00"
            minReplicas: 6
          - start: "22:00"
            end: "04:00"
            maxReplicas: 2
        """;

    // Each row: UTC time, expected kind, min, max, why. 2026-11-21 is a Saturday; Berlin is UTC+1 in November.
    public static TheoryData<string, ProposalKind, int?, int?, string> Cases => new()
    {
        { "2026-11-23T06:59:00Z", ProposalKind.Abstain, null, null, "Monday 07:59 Berlin: before the business window" },
        { "2026-11-23T07:00:00Z", ProposalKind.Bounds, 6, null, "Monday 08:00 Berlin: inside" },
        { "2026-11-23T18:59:00Z", ProposalKind.Bounds, 6, null, "Monday 19:59 Berlin: still inside" },
        { "2026-11-23T19:00:00Z", ProposalKind.Abstain, null, null, "Monday 20:00 Berlin: the end is exclusive" },
        { "2026-11-21T09:00:00Z", ProposalKind.Abstain, null, null, "Saturday 10:00 Berlin: not a business day" },
        { "2026-11-21T21:30:00Z", ProposalKind.Bounds, null, 2, "Saturday 22:30 Berlin: the nightly cap" },
        { "2026-11-22T02:00:00Z", ProposalKind.Bounds, null, 2, "Sunday 03:00 Berlin: the cap runs past midnight" },
        { "2026-07-01T06:30:00Z", ProposalKind.Bounds, 6, null, "summer: Berlin is UTC+2, 08:30 local" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Windows_follow_local_time(string utc, ProposalKind kind, int? min, int? max, string why)
    {
        var now = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);
        var proposal = Build.Policy(Policy).Propose(Build.Context(Build.Component(ComponentKind.Compute, 3), default, now));

        Assert.True(kind == proposal.Kind, why);
        Assert.Equal(min, proposal.MinReplicas);
        Assert.Equal(max, proposal.MaxReplicas);
    }

    [Fact]
    public void An_active_window_raises_the_floor_of_the_engine()
    {
        var engine = new ScalingEngine(Build.Spec($"""
            compute:
              minReplicas: 2
              maxReplicas: 20
              policies:
                - type: fixed
                  replicas: 3
                - {Policy.Replace("\n", "\n      ", StringComparison.Ordinal)}
            """));
        var monday = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

        var decision = engine.Evaluate(Build.Cluster(Build.Component(ComponentKind.Compute, 3)), default, now: monday).Components[0];

        Assert.Equal(6, decision.To);
        Assert.Contains("3 is below minReplicas 6", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("timeZone: Mars/Olympus", "timeZone: must be an IANA time zone")]
    [InlineData("windows: [{start: '25:00', end: '04:00', maxReplicas: 2}]", "windows[0].start: must be a time of day HH:MM, got '25:00'")]
    [InlineData("windows: [{start: '01:00', end: '04:00'}]", "windows[0]: must set minReplicas, maxReplicas or both")]
    [InlineData("windows: [{days: [Monday], start: '01:00', end: '04:00', minReplicas: 1}]", "windows[0].days[0]: must be one of Mon, Tue, Wed, Thu, Fri, Sat, Sun, got 'Monday'")]
    public void Bad_windows_are_reported_with_their_path(string yaml, string message)
    {
        var text = yaml.StartsWith("timeZone", StringComparison.Ordinal) ? $"type: schedule\n{yaml}\nwindows: [{{start: '01:00', end: '02:00', minReplicas: 1}}]" : $"type: schedule\n{yaml}";

        var error = Assert.Throws<Policies.Configuration.SpecException>(() => Build.Policy(text));

        Assert.Contains("compute.policies[0]." + message, error.Message, StringComparison.Ordinal);
    }
}
