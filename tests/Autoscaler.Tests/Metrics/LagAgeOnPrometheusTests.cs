using System.Globalization;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace RwAutoscaler.Autoscaler.Tests.Metrics;

/// <summary>
/// sourceLagSeconds against the truth: five hours of one source's watermarks and consumer positions, loaded into a real
/// Prometheus with promtool, queried at moments where the age of the oldest unconsumed message is known exactly (the
/// history is linear between samples). A burst the consumer cannot keep up with, then ingest falling to a trickle: the
/// moment where lag over ingest rate reads hours while the oldest message is minutes old.
/// </summary>
public sealed class LagAgeOnPrometheusTests(ITestOutputHelper output) : IDisposable
{
    private const int Step = 15;
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 3600 * 3600) - (7 * 3600));

    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("lag-age-");

    public void Dispose() => _temp.Delete(recursive: true);

    /// <summary>One partition's history: the producers' rate and the consumer's capacity, messages per second, per step.</summary>
    private sealed record Partition(string Id, Func<int, double> Ingest, double Capacity)
    {
        public List<(long Time, double Watermark, double Position)> History { get; } = [];

        public void Run(int steps)
        {
            double produced = 0, consumed = 0;
            for (var i = 0; i <= steps; i++)
            {
                History.Add((Start.ToUnixTimeSeconds() + (i * Step), Math.Floor(produced), Math.Floor(consumed)));
                produced += Ingest(i) * Step;
                consumed = Math.Min(produced, consumed + (Capacity * Step));
            }
        }

        /// <summary>Seconds since the watermark reached the consumer's position at <paramref name="time"/>.</summary>
        public double Age(long time)
        {
            var now = History.Single(h => h.Time == time);
            var at = History.FindIndex(h => h.Watermark >= now.Position);
            if (at <= 0 || now.Watermark <= now.Position)
            {
                return 0;
            }

            var (before, after) = (History[at - 1], History[at]);
            var produced = before.Time + ((after.Time - before.Time) * (now.Position - before.Watermark) / (after.Watermark - before.Watermark));
            return time - produced;
        }

        public double LagOverIngest(long time)
        {
            var i = History.FindIndex(h => h.Time == time);
            var rate = (History[i].Watermark - History[i - 8].Watermark) / (8 * Step);
            return (History[i].Watermark - History[i].Position) / Math.Max(rate, 1);
        }
    }

    [Fact]
    public async Task Lag_seconds_is_the_age_of_the_oldest_unconsumed_message_within_the_interval_the_truth_lies_in()
    {
        if (ExternalTool.Require("promtool", "install the Debian package 'prometheus'") is not { } promtool)
        {
            return;
        }

        // Partition 0: 100/s for 3 h, a 20-minute burst of 2,000/s, then 10/s, read at up to 600/s. Partition 1 keeps up.
        const int hours = 5;
        var burstStart = 3 * 3600 / Step;
        var burstEnd = burstStart + (20 * 60 / Step);
        var bursty = new Partition("0", i => i < burstStart ? 100 : i < burstEnd ? 2_000 : 10, 600);
        var steady = new Partition("1", _ => 50, 600);
        bursty.Run(hours * 3600 / Step);
        steady.Run(hours * 3600 / Step);

        var file = Path.Combine(_temp.FullName, "lag.om");
        await File.WriteAllTextAsync(file, OpenMetrics(bursty, steady));
        await using var prometheus = await PrometheusServer.WithHistoryAsync(promtool, file);
        Assert.NotNull(prometheus);
        using var client = new PrometheusClient(new PrometheusOptions { Address = prometheus.Address });
        var query = new SignalCatalogue().Queries.Single(q => q.Signal == Signal.SourceLagSeconds).PromQL;

        // Rung ages of the query, to say which interval the truth lies in.
        double[] ages = [0, 30, 60, 120, 240, 480, 900, 1800, 3600, 7200, 14400];
        var checkedDuringDrain = 0;
        foreach (var minutes in new[] { 90, 185, 192, 200, 205, 210, 215, 220, 226, 240, 290 })
        {
            var time = Start.ToUnixTimeSeconds() + (minutes * 60);
            var truth = Math.Max(bursty.Age(time), steady.Age(time));
            var result = await client.QueryAsync(query, DateTimeOffset.FromUnixTimeSeconds(time), CancellationToken.None);
            var value = Assert.Single(result.Series).Samples[^1].Value;
            output.WriteLine($"{minutes,4} min: estimate {value,7:F1} s, truth {truth,7:F1} s, lag over ingest {bursty.LagOverIngest(time),8:F0} s");

            var upper = Array.FindIndex(ages, a => a >= truth);
            var (low, high) = upper <= 0 ? (0.0, 0.0) : (ages[upper - 1], ages[upper]);
            Assert.InRange(value, low - Step, high + Step);
            if (truth > 60 && bursty.LagOverIngest(time) > 10 * truth)
            {
                checkedDuringDrain++;
            }
        }

        Assert.True(checkedDuringDrain >= 2, "the moments checked include the drain after the burst, where lag over ingest explodes");
    }

    [Fact]
    public async Task A_partition_whose_reader_is_rebuilt_keeps_its_last_offset_in_the_lag_until_it_reads_again()
    {
        if (ExternalTool.Require("promtool", "install the Debian package 'prometheus'") is not { } promtool)
        {
            return;
        }

        // Two partitions at 100/s, each read 50 messages behind. Partition 1's reader is rebuilt by a rescale at minute 20
        // and reads again at minute 28: no source_latest_message_id for 8 minutes, longer than Prometheus' 5-minute
        // lookback, while its watermark grows. Nothing of it is consumed meanwhile, so its lag grows by 100/s.
        var text = new System.Text.StringBuilder("# TYPE source_kafka_high_watermark gauge\n");
        const int steps = 60 * 60 / Step;
        long T(int i) => Start.ToUnixTimeSeconds() + (i * Step);
        bool Rebuilding(int i) => i * Step is > 20 * 60 and < 28 * 60;
        foreach (var partition in new[] { "0", "1" })
        {
            for (var i = 0; i <= steps; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"source_kafka_high_watermark{{namespace=\"streaming\",risingwave_name=\"rw\",source_id=\"7\",partition=\"{partition}\"}} {100 * i * Step} {T(i)}\n");
            }
        }

        text.Append("# TYPE source_latest_message_id gauge\n");
        foreach (var partition in new[] { "0", "1" })
        {
            for (var i = 0; i <= steps; i++)
            {
                if (partition == "1" && Rebuilding(i))
                {
                    continue;
                }

                text.Append(CultureInfo.InvariantCulture, $"source_latest_message_id{{namespace=\"streaming\",risingwave_name=\"rw\",source_id=\"7\",partition=\"{partition}\",actor_id=\"\"}} {(100 * i * Step) - 51} {T(i)}\n");
            }
        }

        var file = Path.Combine(_temp.FullName, "rebuild.om");
        await File.WriteAllTextAsync(file, text.Append("# EOF\n").ToString());
        await using var prometheus = await PrometheusServer.WithHistoryAsync(promtool, file);
        Assert.NotNull(prometheus);
        using var client = new PrometheusClient(new PrometheusOptions { Address = prometheus.Address });
        var queries = new SignalCatalogue().Queries;
        async Task<double> At(Signal signal, int minutes) => Assert.Single((await client.QueryAsync(
            queries.Single(q => q.Signal == signal).PromQL, DateTimeOffset.FromUnixTimeSeconds(Start.ToUnixTimeSeconds() + (minutes * 60)), CancellationToken.None)).Series).Samples[^1].Value;

        Assert.Equal(100, await At(Signal.SourceLagMessages, 15));
        // Minute 27, 7 minutes into the rebuild: partition 1 is 50 + 100 x 420 s behind (its last offset was read at 20:00).
        Assert.Equal(50 + (100 * 420) + 50, await At(Signal.SourceLagMessages, 27));
        Assert.InRange(await At(Signal.SourceLagSeconds, 27), 420 - Step, 420 + Step);
        Assert.Equal(100, await At(Signal.SourceLagMessages, 30));
    }

    private static string OpenMetrics(params Partition[] partitions)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (metric, read) in new (string, Func<(long Time, double Watermark, double Position), double>)[]
        {
            ("source_kafka_high_watermark", h => h.Watermark),
            ("source_latest_message_id", h => h.Position - 1),
        })
        {
            text.Append("# TYPE ").Append(metric).Append(" gauge\n");
            foreach (var partition in partitions)
            {
                foreach (var h in partition.History)
                {
                    text.Append(CultureInfo.InvariantCulture,
                        $"{metric}{{namespace=\"streaming\",risingwave_name=\"rw\",source_id=\"7\",partition=\"{partition.Id}\"}} {read(h)} {h.Time}\n");
                }
            }
        }

        return text.Append("# EOF\n").ToString();
    }
}
