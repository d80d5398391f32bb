using System.Globalization;
using RwAutoscaler.Autoscaler.Overrides;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Overrides;

public sealed class OverrideAnnotationsTests
{
    private static readonly DateTimeOffset Evening = DateTimeOffset.Parse("2026-11-21T18:00:00Z", CultureInfo.InvariantCulture);

    private static OverrideSet Parse(params (string Name, string Value)[] annotations) =>
        OverrideAnnotations.Parse(annotations.ToDictionary(a => a.Name, a => a.Value));

    [Fact]
    public void No_annotations_under_the_prefix_means_no_overrides()
    {
        Assert.Same(OverrideSet.None, OverrideAnnotations.Parse(null));
        Assert.Same(OverrideSet.None, Parse(("risingwave.risingwavelabs.com/pause-reconcile", "true"), ("team", "data")));
    }

    [Theory]
    [InlineData("true", true, null)]
    [InlineData("false", false, null)]
    [InlineData("true until 2026-11-21T18:00:00Z", true, "2026-11-21T18:00:00Z")]
    [InlineData("2026-11-21T18:00:00Z", true, "2026-11-21T18:00:00Z")]
    [InlineData("2026-11-21T19:00:00+01:00", true, "2026-11-21T18:00:00Z")]
    public void Pause_optionally_until_a_time(string value, bool paused, string? until)
    {
        var set = Parse(("rwautoscaler.dev/paused", value));
        Assert.Empty(set.Problems);
        Assert.Equal(paused, set.Engine.Pause is not null);
        Assert.Equal(until is null ? null : DateTimeOffset.Parse(until, CultureInfo.InvariantCulture), set.Engine.Pause?.Until);
    }

    [Fact]
    public void Pins_and_bounds_per_component_with_or_without_an_end()
    {
        var set = Parse(
            ("rwautoscaler.dev/compute-replicas", "6"),
            ("rwautoscaler.dev/compactor-replicas", "2 until 2026-11-21T18:00:00Z"),
            ("rwautoscaler.dev/compute-min-replicas", "4 until 2026-11-21T18:00:00Z"),
            ("rwautoscaler.dev/compute-max-replicas", "12"));
        Assert.Empty(set.Problems);
        Assert.Contains(set.Engine.Pins, p => p is { Component: ComponentKind.Compute, Replicas: 6, Until: null });
        Assert.Contains(set.Engine.Pins, p => p.Component == ComponentKind.Compactor && p.Replicas == 2 && p.Until == Evening);
        Assert.Contains(set.Engine.Bounds, b => b.Component == ComponentKind.Compute && b.MinReplicas == 4 && b.MaxReplicas == null && b.Until == Evening);
        Assert.Contains(set.Engine.Bounds, b => b is { Component: ComponentKind.Compute, MinReplicas: null, MaxReplicas: 12, Until: null });
    }

    [Fact]
    public void Dry_run_holds_until_its_end()
    {
        var set = Parse(("rwautoscaler.dev/dry-run", "true until 2026-11-21T18:00:00Z"));
        Assert.True(set.DryRunAt(Evening.AddMinutes(-1)));
        Assert.False(set.DryRunAt(Evening));
        Assert.False(Parse(("rwautoscaler.dev/dry-run", "false")).DryRunAt(Evening));
    }

    // Issue 14: a pause or dry-run that cannot be read holds every component (it may have meant "stop"); so does an
    // unknown name nearest to one of them. Only the exact documented values are accepted.
    [Theory]
    [InlineData("rwautoscaler.dev/paused", "yes", "rwautoscaler.dev/paused: expected exactly 'true', 'false'")]
    [InlineData("rwautoscaler.dev/paused", "TRUE", "rwautoscaler.dev/paused: expected exactly")]
    [InlineData("rwautoscaler.dev/paused", "True", "rwautoscaler.dev/paused: expected exactly")]
    [InlineData("rwautoscaler.dev/paused", "1", "rwautoscaler.dev/paused: expected exactly")]
    [InlineData("rwautoscaler.dev/paused", "on", "rwautoscaler.dev/paused: expected exactly")]
    [InlineData("rwautoscaler.dev/paused", "true until tomorrow", "rwautoscaler.dev/paused: expected")]
    [InlineData("rwautoscaler.dev/paused", "2026-11-21 18:00", "rwautoscaler.dev/paused: expected")]
    [InlineData("rwautoscaler.dev/paused", "2026-11-21T18:00:00", "rwautoscaler.dev/paused: expected")]
    [InlineData("rwautoscaler.dev/dry-run", "", "rwautoscaler.dev/dry-run: expected")]
    [InlineData("rwautoscaler.dev/pause", "true", "rwautoscaler.dev/pause: unknown annotation; did you mean rwautoscaler.dev/paused?")]
    [InlineData("rwautoscaler.dev/dryrun", "true", "rwautoscaler.dev/dryrun: unknown annotation; did you mean rwautoscaler.dev/dry-run?")]
    public void An_unreadable_pause_or_dry_run_holds_every_component(string name, string value, string message)
    {
        var set = Parse((name, value), ("rwautoscaler.dev/compactor-replicas", "3"));
        var problem = Assert.Single(set.Problems);
        Assert.StartsWith(message, problem.ToString(), StringComparison.Ordinal);
        Assert.Equal("holding compute and compactor where it is until it is fixed", problem.Effect);
        Assert.Equal([ComponentKind.Compute, ComponentKind.Compactor], set.Engine.Holds.Select(h => h.Component));
    }

    // A pin or bound that cannot be read, or is out of range, holds its component only; the others still apply.
    // A pin of 0 is refused (the autoscaler never stops a component); above the daemon's ceiling is refused.
    [Theory]
    [InlineData("rwautoscaler.dev/compute-replicas", "-1", "rwautoscaler.dev/compute-replicas: expected a replica count from 1 to 1000")]
    [InlineData("rwautoscaler.dev/compute-replicas", "0", "rwautoscaler.dev/compute-replicas: expected a replica count from 1 to 1000")]
    [InlineData("rwautoscaler.dev/compute-replicas", "six", "rwautoscaler.dev/compute-replicas: expected a replica count")]
    [InlineData("rwautoscaler.dev/compute-replicas", "1001", "rwautoscaler.dev/compute-replicas: expected a replica count from 1 to 1000")]
    [InlineData("rwautoscaler.dev/compute-replicas", "4 until soon", "rwautoscaler.dev/compute-replicas: expected a replica count")]
    [InlineData("rwautoscaler.dev/compute-max-replicas", "1001", "rwautoscaler.dev/compute-max-replicas: expected a replica count from 0 to 1000")]
    public void An_unreadable_pin_or_bound_holds_its_component(string name, string value, string message)
    {
        var set = Parse((name, value), ("rwautoscaler.dev/compactor-replicas", "3"));
        var problem = Assert.Single(set.Problems);
        Assert.StartsWith(message, problem.ToString(), StringComparison.Ordinal);
        Assert.Equal("holding compute where it is until it is fixed", problem.Effect);
        Assert.Equal(ComponentKind.Compute, Assert.Single(set.Engine.Holds).Component);
        Assert.DoesNotContain(set.Engine.Pins, p => p.Component == ComponentKind.Compute);
        Assert.Contains(set.Engine.Pins, p => p.Component == ComponentKind.Compactor && p.Replicas == 3);
    }

    [Fact]
    public void The_ceiling_is_the_daemons()
    {
        Assert.Empty(OverrideAnnotations.Parse(new Dictionary<string, string> { ["rwautoscaler.dev/compute-replicas"] = "1500" }, maxReplicas: 2000).Problems);
        Assert.Single(OverrideAnnotations.Parse(new Dictionary<string, string> { ["rwautoscaler.dev/compute-replicas"] = "50" }, maxReplicas: 40).Engine.Holds);
    }

    // An unknown name near nothing that stops scaling is reported and ignored.
    [Theory]
    [InlineData("rwautoscaler.dev/compute-replica", "rwautoscaler.dev/compute-replica: unknown annotation; did you mean rwautoscaler.dev/compute-replicas?")]
    [InlineData("rwautoscaler.dev/meta-replicas", "rwautoscaler.dev/meta-replicas: unknown annotation")]
    public void An_unknown_name_is_reported_with_the_nearest_known_one(string name, string message)
    {
        var set = Parse((name, "4"));
        var problem = Assert.Single(set.Problems);
        Assert.StartsWith(message, problem.ToString(), StringComparison.Ordinal);
        Assert.Equal("ignored", problem.Effect);
        Assert.Empty(set.Engine.Holds);
    }

    [Fact]
    public void A_min_above_the_max_ignores_both_and_holds_the_component()
    {
        var set = Parse(("rwautoscaler.dev/compute-min-replicas", "8"), ("rwautoscaler.dev/compute-max-replicas", "4"));
        Assert.Contains("must not exceed rwautoscaler.dev/compute-max-replicas (4)", Assert.Single(set.Problems).Message, StringComparison.Ordinal);
        Assert.Empty(set.Engine.Bounds);
        Assert.Equal(ComponentKind.Compute, Assert.Single(set.Engine.Holds).Component);
    }

    [Fact]
    public void Every_known_annotation_is_in_the_documented_table()
    {
        var doc = File.ReadAllText(Commands.CliRunner.Repo("docs/overrides.md"));
        Assert.All(OverrideAnnotations.Known, name => Assert.Contains($"| `{name}` |", doc, StringComparison.Ordinal));
    }
}
