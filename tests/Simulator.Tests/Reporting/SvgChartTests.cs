using System.Text.RegularExpressions;
using RwAutoscaler.Simulator.Reporting;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Reporting;

/// <summary>Issue 18: chart axes that read true, with titles, and lines cut at the top that say so.</summary>
public sealed partial class SvgChartTests
{
    [Theory]
    [InlineData(2.2, true, 3, 1)]
    [InlineData(2, true, 2, 1)]
    [InlineData(1.15, true, 2, 1)]
    [InlineData(0.3, false, 0.3, 0.1)]
    [InlineData(660, false, 800, 200)]
    [InlineData(1_050_000, false, 1_500_000, 500_000)]
    [InlineData(0, false, 1, 0.25)]
    public void The_axis_ends_on_a_round_number_in_at_most_four_round_ticks(double max, bool integers, double top, double tick)
    {
        var (actualTop, actualTick) = SvgChart.Scale(max, integers);

        Assert.Equal(top, actualTop, 9);
        Assert.Equal(tick, actualTick, 9);
        Assert.True(actualTop >= max);
    }

    [Fact]
    public void A_line_at_two_replicas_lies_on_the_gridline_labelled_two()
    {
        var chart = new SvgChart("replicas", 100, TimeSpan.FromMinutes(1), 2.3, "", "replicas", integers: true);
        chart.Series(Enumerable.Repeat(2f, 100).ToArray(), "compute", "#2ca02c", SvgChart.Aggregate.Max);
        var svg = chart.Render();

        var labelled = Regex.Match(svg, "<text x=\"66\" y=\"([0-9.]+)\"[^>]*>2</text>");
        Assert.True(labelled.Success, svg);
        Assert.Contains($",{labelled.Groups[1].Value}L", svg, StringComparison.Ordinal); // the path's y is the label's
        Assert.Equal(["0", "1", "2", "3"], YLabels().Matches(svg).Select(m => m.Groups[1].Value));
        Assert.Contains(">replicas</text>", svg, StringComparison.Ordinal);
        Assert.Contains(">time since the start (hours)</text>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_above_the_axis_is_marked_on_the_top_edge_and_in_its_legend()
    {
        var chart = new SvgChart("lag and latency", 100, TimeSpan.FromMinutes(1), 600, "s", "seconds");
        chart.Series(Enumerable.Range(0, 100).Select(i => i < 50 ? 10f : 5000f).ToArray(), "source lag", "#ff7f0e", SvgChart.Aggregate.Max);
        chart.Series(Enumerable.Repeat(1f, 100).ToArray(), "barrier latency p99", "#8c564b", SvgChart.Aggregate.Max);
        var svg = chart.Render();

        Assert.Contains(">source lag (cut at 600s)</text>", svg, StringComparison.Ordinal);
        Assert.Contains(">barrier latency p99</text>", svg, StringComparison.Ordinal);
        Assert.Contains("stroke=\"#ff7f0e\" stroke-width=\"4\"", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("stroke=\"#8c564b\" stroke-width=\"4\"", svg, StringComparison.Ordinal);
    }

    [GeneratedRegex("text-anchor=\"end\" dominant-baseline=\"middle\">([^<]*)</text>")]
    private static partial Regex YLabels();
}
