using RwAutoscaler.Autoscaler.Cli;
using Spectre.Console;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Commands;

/// <summary>Issue 18: a results table on an 80-column terminal keeps every figure whole and every header readable.</summary>
public sealed class FittedTableTests
{
    private static readonly string[][] Rows =
    [
        ["reactive", "24.8m 6.9%", "110s", "2034+957", "13.83x", "13.3+19.2"],
        ["hpa", "4.6h 76.2%", "4.5m", "205+102", "1.92x", "0.3+0.7"],
    ];

    private static string Render(int width)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer), Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        var table = new FittedTable(
            new("policy", RightAligned: false), new("SLO violated", "SLO\nviolated"), new("p99 lat", "p99\nlat"), new("replica-h"),
            new("cost/frontier", "cost/\nfrontier"), new("rescales/h", "rescales\n/h"));
        foreach (var row in Rows)
        {
            table.AddRow(row);
        }

        table.Write(console);
        return writer.ToString();
    }

    [Theory]
    [InlineData(120, "borders")]
    [InlineData(60, "compact")]
    [InlineData(30, "records")]
    public void Every_width_keeps_cells_whole_and_lines_within_the_terminal(int width, string layout)
    {
        var text = Render(width);
        var lines = text.TrimEnd().Split('\n');

        Assert.All(lines, line => Assert.True(line.Length <= width, $"{line.Length} columns: '{line}'"));
        Assert.All(Rows.SelectMany(r => r), cell => Assert.Contains(lines, line => line.Contains(cell, StringComparison.Ordinal)));
        Assert.DoesNotContain("…", text, StringComparison.Ordinal);
        var oneRowPerLine = lines.Any(l => l.Contains("reactive", StringComparison.Ordinal) && l.Contains("13.83x", StringComparison.Ordinal));
        switch (layout)
        {
            case "borders":
                Assert.Contains("│ cost/frontier │", text, StringComparison.Ordinal);
                Assert.True(oneRowPerLine, text);
                break;
            case "compact":
                Assert.DoesNotContain("│", text, StringComparison.Ordinal);
                Assert.Contains(lines, l => l.TrimEnd().EndsWith("frontier        /h", StringComparison.Ordinal)); // the headers' second lines
                Assert.True(oneRowPerLine, text);
                break;
            default:
                Assert.Contains("reactive", lines);
                Assert.Contains("  cost/frontier  13.83x", lines);
                break;
        }
    }
}
