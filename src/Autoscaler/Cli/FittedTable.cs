using Spectre.Console;
using Spectre.Console.Rendering;

namespace RwAutoscaler.Autoscaler.Cli;

/// <summary>
/// A table of short cells that never wraps a cell: figures split over two rows read wrong ("2034+95" over "7"). It is
/// drawn with borders when it fits the terminal; on a narrower one without borders and with two-line headers; and
/// when even that does not fit, as one block per row, one "header: value" line per cell, as <c>psql \x</c> does.
/// </summary>
internal sealed class FittedTable(params FittedTable.Column[] columns)
{
    /// <summary>A column: its header, a compact header for narrow terminals (a line break allowed), and its alignment.</summary>
    internal sealed record Column(string Header, string? Compact = null, bool RightAligned = true);

    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row of markup cells (escape plain text with <see cref="Markup.Escape"/>).</summary>
    public void AddRow(params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != columns.Length)
        {
            throw new ArgumentException($"expected {columns.Length} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add(cells);
    }

    public void Write(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var width = console.Profile.Width;
        var full = Build(TableBorder.Rounded, c => c.Header, new Padding(1, 0, 1, 0), gap: "");
        if (Width(full, console) <= width)
        {
            console.Write(full);
            return;
        }

        // Without borders Spectre drops the padding too: a space before each cell but the first keeps columns apart.
        var compact = Build(TableBorder.None, c => c.Compact ?? c.Header, new Padding(0, 0, 0, 0), gap: " ");
        if (Width(compact, console) <= width)
        {
            console.Write(compact);
            return;
        }

        var label = columns.Max(c => c.Header.Length);
        foreach (var row in _rows)
        {
            console.MarkupLine(row[0]);
            for (var i = 1; i < columns.Length; i++)
            {
                console.MarkupLine($"  {Markup.Escape(columns[i].Header.PadRight(label))}  {row[i]}");
            }
        }
    }

    private Table Build(TableBorder border, Func<Column, string> header, Padding padding, string gap)
    {
        var table = new Table().Border(border);
        for (var i = 0; i < columns.Length; i++)
        {
            var before = i == 0 ? "" : gap;
            var text = string.Join('\n', header(columns[i]).Split('\n').Select(line => before + Markup.Escape(line)));
            var c = new TableColumn(text).NoWrap().Padding(padding);
            table.AddColumn(columns[i].RightAligned ? c.RightAligned() : c);
        }

        foreach (var row in _rows)
        {
            table.AddRow([.. row.Select((cell, i) => i == 0 ? cell : gap + cell)]);
        }

        return table;
    }

    // The width the table takes when nothing limits it.
    private static int Width(Table table, IAnsiConsole console) =>
        ((IRenderable)table).Measure(RenderOptions.Create(console, console.Profile.Capabilities), int.MaxValue).Max;
}
