using System.Globalization;

namespace RwAutoscaler.Simulator.Workloads;

/// <summary>
/// Reads the three trace layouts into a rate per second on a fixed step. Gaps in a fixed-step trace are filled
/// by linear interpolation; arrivals are counted per second. Every error names the file, the line and the field.
/// </summary>
internal static class TraceReader
{
    public static Trace ReadFile(string path, TraceFormat format = TraceFormat.Auto)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TraceFormatException(name, 0, "file", $"cannot read {path}: {e.Message}");
        }

        return Read(lines, name, format);
    }

    public static Trace Read(IReadOnlyList<string> lines, string name, TraceFormat format = TraceFormat.Auto)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var first = FirstContentLine(lines);
        if (first < 0)
        {
            throw new TraceFormatException(name, 0, "file", "is empty: expected a header and at least two rows");
        }

        if (format == TraceFormat.Auto)
        {
            format = Detect(lines[first], name, first + 1);
        }

        return format switch
        {
            TraceFormat.TimestampValue => ReadTimestampValue(lines, first, name),
            TraceFormat.SecondCount => ReadSecondCount(lines, first, name),
            TraceFormat.Arrivals => ReadArrivals(lines, first, name),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
    }

    private static TraceFormat Detect(string header, string name, int line)
    {
        if (header.Contains('|', StringComparison.Ordinal))
        {
            return TraceFormat.SecondCount;
        }

        var columns = header.Split(',');
        if (columns.Length == 2)
        {
            return TraceFormat.TimestampValue;
        }

        if (columns.Length > 2)
        {
            return TraceFormat.Arrivals;
        }

        throw new TraceFormatException(name, line, "header",
            $"cannot tell the format from '{Shorten(header)}': expected 'timestamp,value', 'second|count' or one row per arrival with the timestamp first");
    }

    private static Trace ReadTimestampValue(IReadOnlyList<string> lines, int first, string name)
    {
        var (hasHeader, timeField, valueField) = Header(lines[first], ',', 2, "timestamp", "value");
        var times = new List<DateTime>();
        var values = new List<double>();
        var rowLines = new List<int>();
        for (var i = hasHeader ? first + 1 : first; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var cells = lines[i].Split(',');
            if (cells.Length != 2)
            {
                throw new TraceFormatException(name, i + 1, "row", $"expected 2 columns ({timeField},{valueField}), got {cells.Length}");
            }

            var time = ParseTime(cells[0], name, i + 1, timeField);
            if (times.Count > 0 && time <= times[^1])
            {
                throw new TraceFormatException(name, i + 1, timeField, $"must increase: {cells[0].Trim()} is not after the previous row");
            }

            times.Add(time);
            values.Add(ParseValue(cells[1], name, i + 1, valueField));
            rowLines.Add(i + 1);
        }

        if (times.Count < 2)
        {
            throw new TraceFormatException(name, 0, "rows", $"need at least two rows, got {times.Count}");
        }

        var step = MostCommonStep(times);
        var buckets = (int)Math.Round((times[^1] - times[0]) / step) + 1;
        var sums = new double[buckets];
        var counts = new int[buckets];
        for (var i = 0; i < times.Count; i++)
        {
            var index = (int)Math.Round((times[i] - times[0]) / step);
            sums[index] += values[i];
            counts[index]++;
        }

        // Values are counts per bucket: as a rate, per second.
        var rates = FillGaps(sums, counts);
        for (var i = 0; i < rates.Length; i++)
        {
            rates[i] /= step.TotalSeconds;
        }

        return new Trace(name, step, rates);
    }

    private static Trace ReadSecondCount(IReadOnlyList<string> lines, int first, string name)
    {
        var (hasHeader, secondField, countField) = Header(lines[first], '|', 2, "second", "count");
        var seconds = new List<long>();
        var counts = new List<double>();
        for (var i = hasHeader ? first + 1 : first; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var cells = lines[i].Split('|');
            if (cells.Length != 2)
            {
                throw new TraceFormatException(name, i + 1, "row", $"expected 2 columns ({secondField}|{countField}), got {cells.Length}");
            }

            if (!long.TryParse(cells[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var second))
            {
                throw new TraceFormatException(name, i + 1, secondField, $"expected a whole number of seconds, got '{Shorten(cells[0])}'");
            }

            if (seconds.Count > 0 && second <= seconds[^1])
            {
                throw new TraceFormatException(name, i + 1, secondField, $"must increase: {second} is not after {seconds[^1]}");
            }

            seconds.Add(second);
            counts.Add(ParseValue(cells[1], name, i + 1, countField));
        }

        if (seconds.Count < 2)
        {
            throw new TraceFormatException(name, 0, "rows", $"need at least two rows, got {seconds.Count}");
        }

        var length = checked((int)(seconds[^1] - seconds[0] + 1));
        var sums = new double[length];
        var present = new int[length];
        for (var i = 0; i < seconds.Count; i++)
        {
            var index = (int)(seconds[i] - seconds[0]);
            sums[index] = counts[i];
            present[index] = 1;
        }

        return new Trace(name, TimeSpan.FromSeconds(1), FillGaps(sums, present));
    }

    private static Trace ReadArrivals(IReadOnlyList<string> lines, int first, string name)
    {
        var header = lines[first].Split(',');
        var hasHeader = !TryParseTime(header[0], out _);
        var timeField = hasHeader ? header[0].Trim() : "column 1";
        var perSecond = new List<double>();
        DateTime? start = null;
        DateTime previous = default;
        for (var i = hasHeader ? first + 1 : first; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var comma = lines[i].IndexOf(',', StringComparison.Ordinal);
            var cell = comma < 0 ? lines[i] : lines[i][..comma];
            var time = ParseTime(cell, name, i + 1, timeField);
            if (start is null)
            {
                start = Floor(time);
            }
            else if (time < previous)
            {
                throw new TraceFormatException(name, i + 1, timeField, $"arrivals must be in time order: {cell.Trim()} is before the previous row");
            }

            previous = time;
            var index = (int)((time - start.Value).Ticks / TimeSpan.TicksPerSecond);
            while (perSecond.Count <= index)
            {
                perSecond.Add(0);
            }

            perSecond[index]++;
        }

        if (perSecond.Count < 2)
        {
            throw new TraceFormatException(name, 0, "rows", "need arrivals spanning at least two seconds");
        }

        return new Trace(name, TimeSpan.FromSeconds(1), [.. perSecond]);
    }

    private static (bool HasHeader, string First, string Second) Header(string line, char separator, int columns, string first, string second)
    {
        var cells = line.Split(separator);
        var isData = cells.Length == columns
            && double.TryParse(cells[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            && (TryParseTime(cells[0], out _) || long.TryParse(cells[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _));
        return isData || cells.Length != columns ? (false, first, second) : (true, cells[0].Trim(), cells[1].Trim());
    }

    private static int FirstContentLine(IReadOnlyList<string> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static DateTime ParseTime(string cell, string name, int line, string field) =>
        TryParseTime(cell, out var time)
            ? time
            : throw new TraceFormatException(name, line, field, $"expected a timestamp like 2014-07-01 00:30:00, got '{Shorten(cell)}'");

    private static bool TryParseTime(string cell, out DateTime time) =>
        DateTime.TryParse(cell.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time);

    private static double ParseValue(string cell, string name, int line, string field)
    {
        if (!double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new TraceFormatException(name, line, field, $"expected a number, got '{Shorten(cell)}'");
        }

        if (value < 0)
        {
            throw new TraceFormatException(name, line, field, $"must not be negative, got {cell.Trim()}");
        }

        return value;
    }

    private static DateTime Floor(DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Kind);

    // The step is the most common gap between rows; a few longer gaps are missing rows.
    private static TimeSpan MostCommonStep(List<DateTime> times)
    {
        var counts = new Dictionary<long, int>();
        for (var i = 1; i < times.Count; i++)
        {
            var ticks = (times[i] - times[i - 1]).Ticks;
            counts[ticks] = counts.GetValueOrDefault(ticks) + 1;
        }

        return TimeSpan.FromTicks(counts.MaxBy(pair => (pair.Value, -pair.Key)).Key);
    }

    private static double[] FillGaps(double[] sums, int[] counts)
    {
        var values = new double[sums.Length];
        var previous = -1;
        for (var i = 0; i < sums.Length; i++)
        {
            if (counts[i] == 0)
            {
                continue;
            }

            values[i] = sums[i] / counts[i];
            if (previous >= 0 && i - previous > 1)
            {
                for (var j = previous + 1; j < i; j++)
                {
                    var fraction = (double)(j - previous) / (i - previous);
                    values[j] = values[previous] + ((values[i] - values[previous]) * fraction);
                }
            }

            previous = i;
        }

        return values;
    }

    private static string Shorten(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 40 ? trimmed : trimmed[..40] + "...";
    }
}
