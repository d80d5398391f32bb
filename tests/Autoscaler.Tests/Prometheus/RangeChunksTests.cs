using System.Globalization;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Prometheus;

public sealed class RangeChunksTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-21T00:00:00Z", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(0, 15, 11_000, 1)]          // one point
    [InlineData(3600, 15, 11_000, 1)]       // an hour at 15 s: 241 points
    [InlineData(164_985, 15, 11_000, 1)]    // exactly 11,000 points
    [InlineData(165_000, 15, 11_000, 2)]    // 11,001 points
    [InlineData(30 * 86_400, 15, 11_000, 16)] // 30 days at 15 s: 172,801 points
    [InlineData(100, 10, 3, 4)]             // 11 points in pieces of 3
    public void Pieces_cover_the_range_once_and_respect_the_limit(int seconds, int step, int maxPoints, int pieces)
    {
        var end = T0.AddSeconds(seconds);
        var split = RangeChunks.Split(T0, end, TimeSpan.FromSeconds(step), maxPoints);
        Assert.Equal(pieces, split.Count);
        Assert.Equal(T0, split[0].Start);
        Assert.Equal(end, split[^1].End);
        var points = 0;
        for (var i = 0; i < split.Count; i++)
        {
            var count = (int)((split[i].End - split[i].Start).TotalSeconds / step) + 1;
            Assert.InRange(count, 1, maxPoints);
            points += count;
            if (i > 0)
            {
                Assert.Equal(split[i - 1].End.AddSeconds(step), split[i].Start);
            }
        }

        Assert.Equal((seconds / step) + 1, points);
    }

    [Fact]
    public async Task Pieces_are_merged_into_one_series_per_label_set()
    {
        var client = new PiecewiseClient();
        var result = await RangeChunks.QueryAsync(client, "q", T0, T0.AddSeconds(100), TimeSpan.FromSeconds(10), CancellationToken.None, maxPoints: 3);
        Assert.Equal(4, client.Calls);
        var series = Assert.Single(result.Series);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => T0.AddSeconds(i * 10)), series.Samples.Select(s => s.Time));
        Assert.Equal(["from piece 0"], result.Warnings);
    }

    private sealed class PiecewiseClient : IPrometheusClient
    {
        public int Calls { get; private set; }

        public Uri Address { get; } = new("http://unused");

        public Task<QueryResult> QueryAsync(string query, DateTimeOffset time, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<QueryResult> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
        {
            var samples = new List<Sample>();
            for (var t = start; t <= end; t += step)
            {
                samples.Add(new Sample(t, 1));
            }

            Calls++;
            var labels = new Dictionary<string, string> { ["cluster"] = "a" };
            return Task.FromResult(new QueryResult(ResultType.Matrix, [new Series(labels, [.. samples])], Calls == 1 ? ["from piece 0"] : [], []));
        }
    }
}
