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
    [InlineData("True", true, null)]
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

    [Theory]
    [InlineData("rwautoscaler.dev/paused", "yes", "rwautoscaler.dev/paused: expected 'true', 'false'")]
    [InlineData("rwautoscaler.dev/paused", "true until tomorrow", "rwautoscaler.dev/paused: expected")]
    [InlineData("rwautoscaler.dev/paused", "2026-11-21 18:00", "rwautoscaler.dev/paused: expected")]
    [InlineData("rwautoscaler.dev/paused", "2026-11-21T18:00:00", "rwautoscaler.dev/paused: expected")]
    [InlineData("rwautoscaler.dev/dry-run", "", "rwautoscaler.dev/dry-run: expected")]
    [InlineData("rwautoscaler.dev/compute-replicas", "-1", "rwautoscaler.dev/compute-replicas: expected a replica count from 0 to 10000")]
    [InlineData("rwautoscaler.dev/compute-replicas", "six", "rwautoscaler.dev/compute-replicas: expected a replica count")]
    [InlineData("rwautoscaler.dev/compute-replicas", "99999", "rwautoscaler.dev/compute-replicas: expected a replica count")]
    [InlineData("rwautoscaler.dev/compute-replicas", "4 until soon", "rwautoscaler.dev/compute-replicas: expected a replica count")]
    [InlineData("rwautoscaler.dev/compute-replica", "4", "rwautoscaler.dev/compute-replica: unknown annotation; did you mean rwautoscaler.dev/compute-replicas?")]
    [InlineData("rwautoscaler.dev/meta-replicas", "4", "rwautoscaler.dev/meta-replicas: unknown annotation")]
    public void An_invalid_value_is_a_problem_that_names_the_annotation_and_is_ignored(string name, string value, string message)
    {
        var set = Parse((name, value), ("rwautoscaler.dev/compactor-replicas", "3"));
        var problem = Assert.Single(set.Problems);
        Assert.StartsWith(message, problem.ToString(), StringComparison.Ordinal);
        Assert.Null(set.Engine.Pause);
        Assert.DoesNotContain(set.Engine.Pins, p => p.Component == ComponentKind.Compute);
        Assert.Contains(set.Engine.Pins, p => p.Component == ComponentKind.Compactor && p.Replicas == 3);
    }

    [Fact]
    public void A_min_above_the_max_ignores_both()
    {
        var set = Parse(("rwautoscaler.dev/compute-min-replicas", "8"), ("rwautoscaler.dev/compute-max-replicas", "4"));
        Assert.Contains("must not exceed rwautoscaler.dev/compute-max-replicas (4)", Assert.Single(set.Problems).Message, StringComparison.Ordinal);
        Assert.Empty(set.Engine.Bounds);
    }

    [Fact]
    public void Every_known_annotation_is_in_the_documented_table()
    {
        var doc = File.ReadAllText(Commands.CliRunner.Repo("docs/overrides.md"));
        Assert.All(OverrideAnnotations.Known, name => Assert.Contains($"| `{name}` |", doc, StringComparison.Ordinal));
    }
}
