namespace RwAutoscaler.KubectlRwa;

/// <summary>kubectl's plain table: upper-case headers, columns padded with three spaces, no borders.</summary>
internal static class Table
{
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        await output.WriteLineAsync(Line(headers, widths));
        foreach (var row in rows)
        {
            await output.WriteLineAsync(Line(row, widths));
        }
    }

    private static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("   ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
