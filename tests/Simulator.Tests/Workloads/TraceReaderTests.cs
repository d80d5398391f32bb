using RwAutoscaler.Simulator.Workloads;
using Xunit;

namespace RwAutoscaler.Simulator.Tests.Workloads;

public class TraceReaderTests
{
    [Fact]
    public void Timestamp_value_rows_become_a_rate_per_second_and_gaps_are_interpolated()
    {
        var trace = TraceReader.Read(
            ["timestamp,value", "2014-07-01 00:00:00,600", "2014-07-01 00:05:00,1200", "2014-07-01 00:15:00,2400", "2014-07-01 00:20:00,300"], "t.csv");

        Assert.Equal(TimeSpan.FromMinutes(5), trace.Step);
        // Counts per 5-minute bucket as events/s; the missing 00:10 bucket lies between its neighbours.
        Assert.Equal([2.0, 4.0, 6.0, 8.0, 1.0], trace.Values);
    }

    [Fact]
    public void Second_count_rows_are_events_per_second()
    {
        var trace = TraceReader.Read(["second|count", "0|10", "1|20", "2|30"], "d.csv");

        Assert.Equal(TimeSpan.FromSeconds(1), trace.Step);
        Assert.Equal([10.0, 20.0, 30.0], trace.Values);
    }

    [Fact]
    public void Arrivals_are_counted_per_second_from_the_first_one()
    {
        var trace = TraceReader.Read(
            ["TIMESTAMP,ContextTokens,GeneratedTokens", "2023-11-16 18:15:46.68,374,44", "2023-11-16 18:15:46.90,1,1", "2023-11-16 18:15:48.10,2,2"], "a.csv");

        Assert.Equal(TimeSpan.FromSeconds(1), trace.Step);
        Assert.Equal([2.0, 0.0, 1.0], trace.Values);
    }

    [Theory]
    [InlineData("timestamp,value", "timestamp-value")]
    [InlineData("second|count", "second-count")]
    [InlineData("TIMESTAMP,ContextTokens,GeneratedTokens", "arrivals")]
    public void The_format_is_told_from_the_header(string header, string format)
    {
        var expected = TraceFormatNames.All.Single(f => f.Name == format).Format;
        var row = expected switch
        {
            TraceFormat.SecondCount => ["0|1", "1|2"],
            TraceFormat.Arrivals => new[] { "2023-11-16 18:15:46,1,1", "2023-11-16 18:15:47,1,1" },
            _ => ["2014-07-01 00:00:00,1", "2014-07-01 00:30:00,2"],
        };
        var auto = TraceReader.Read([header, .. row], "x.csv");
        var explicitly = TraceReader.Read([header, .. row], "x.csv", expected);

        Assert.Equal(explicitly.Values, auto.Values);
        Assert.Equal(explicitly.Step, auto.Step);
    }

    [Theory]
    [InlineData(new[] { "timestamp,value", "2014-07-01 00:00:00,1", "2014-07-01 00:30:00,abc" }, "bad.csv: line 3: value: expected a number, got 'abc'")]
    [InlineData(new[] { "timestamp,value", "2014-07-01 00:00:00,1", "2014-07-01 00:30:00,-4" }, "bad.csv: line 3: value: must not be negative")]
    [InlineData(new[] { "timestamp,value", "2014-07-01 00:30:00,1", "2014-07-01 00:00:00,2" }, "bad.csv: line 3: timestamp: must increase")]
    [InlineData(new[] { "timestamp,value", "yesterday,1", "2014-07-01 00:00:00,2" }, "bad.csv: line 2: timestamp: expected a timestamp")]
    [InlineData(new[] { "timestamp,value", "2014-07-01 00:00:00,1,7", "2014-07-01 00:30:00,2" }, "bad.csv: line 2: row: expected 2 columns")]
    [InlineData(new[] { "second|count", "0|5", "x|6" }, "bad.csv: line 3: second: expected a whole number of seconds, got 'x'")]
    [InlineData(new[] { "second|count", "0|5", "1|NaN" }, "bad.csv: line 3: count: expected a number, got 'NaN'")]
    [InlineData(new[] { "TIMESTAMP,a,b", "2023-11-16 18:15:46,1,1", "not a time,1,1" }, "bad.csv: line 3: TIMESTAMP: expected a timestamp")]
    [InlineData(new[] { "timestamp,value", "2014-07-01 00:00:00,1" }, "bad.csv: rows: need at least two rows, got 1")]
    [InlineData(new string[0], "bad.csv: file: is empty")]
    public void Bad_rows_name_the_file_the_line_and_the_field(string[] lines, string expected)
    {
        var error = Assert.Throws<TraceFormatException>(() => TraceReader.Read(lines, "bad.csv"));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nab/nyc_taxi.csv", 1800, 10320)]
    [InlineData("nab/Twitter_volume_AAPL.csv", 300, 0)]
    [InlineData("daedalus/tm_6h_100K_max.csv", 1, 25000)]
    [InlineData("azure_llm2023/AzureLLMInferenceTrace_conv.csv", 1, 0)]
    public void The_shipped_traces_read(string file, int stepSeconds, int rows)
    {
        var trace = TraceReader.ReadFile(TestFiles.Simulations(Path.Combine("traces", file)));

        Assert.Equal(TimeSpan.FromSeconds(stepSeconds), trace.Step);
        Assert.True(rows == 0 || trace.Values.Length == rows, $"{trace.Values.Length} rows");
        Assert.True(trace.Peak > trace.Mean && trace.Mean > 0);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<TraceFormatException>(() => TraceReader.ReadFile("/nonexistent/trace.csv"));

        Assert.Contains("trace.csv", error.Message, StringComparison.Ordinal);
    }
}
