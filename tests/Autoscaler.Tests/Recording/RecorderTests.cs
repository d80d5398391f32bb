using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Recording;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.TestKit;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Recording;

public sealed class RecorderTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A Prometheus that answers range queries from a function of (query, time), and counts the calls.</summary>
    private sealed class ScriptedPrometheus(Func<string, DateTimeOffset, (IReadOnlyDictionary<string, string> Labels, double Value)[]> answer) : IPrometheusClient
    {
        public List<(string Query, DateTimeOffset Start, DateTimeOffset End)> Calls { get; } = [];

        public Uri Address { get; } = new("http://prometheus.test:9090/");

        public Task<QueryResult> QueryAsync(string query, DateTimeOffset time, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<QueryResult> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
        {
            Calls.Add((query, start, end));
            var series = new Dictionary<string, (IReadOnlyDictionary<string, string> Labels, List<Sample> Samples)>();
            for (var t = start; t <= end; t += step)
            {
                foreach (var (labels, value) in answer(query, t))
                {
                    var key = string.Join(",", labels.OrderBy(l => l.Key).Select(l => l.Key + "=" + l.Value));
                    if (!series.TryGetValue(key, out var entry))
                    {
                        entry = (labels, []);
                        series[key] = entry;
                    }

                    entry.Samples.Add(new Sample(t, value));
                }
            }

            return Task.FromResult(new QueryResult(ResultType.Matrix, [.. series.Values.Select(s => new Series(s.Labels, [.. s.Samples]))], [], []));
        }
    }

    private static Dictionary<string, string> Cluster(string name, string? component = null)
    {
        var labels = new Dictionary<string, string> { ["namespace"] = "streaming", ["risingwave_name"] = name };
        if (component is not null)
        {
            labels["risingwave_component"] = component;
        }

        return labels;
    }

    [Fact]
    public async Task Records_every_signal_and_the_replica_counts_of_one_cluster_on_the_step_grid()
    {
        // Two clusters in Prometheus; each query answers for both, as the catalogue's grouped queries do.
        var prometheus = new ScriptedPrometheus((query, t) =>
        {
            var minute = (t - Start).TotalMinutes;
            if (query.StartsWith("max by (namespace, risingwave_name) (worker_num", StringComparison.Ordinal))
            {
                return [(Cluster("rw"), query.Contains("COMPUTE", StringComparison.Ordinal) ? 4 : 1)];
            }

            if (query.Contains("process_cpu_seconds_total", StringComparison.Ordinal))
            {
                return [(Cluster("rw", "compute"), 0.5), (Cluster("rw", "compactor"), 0.25), (Cluster("other", "compute"), 0.9)];
            }

            return [(Cluster("rw"), minute), (Cluster("other"), -1)];
        });
        var recorder = new Autoscaler.Recording.Recorder(prometheus, new RisingWavePlan(new SignalCatalogue()), new ManualTimeProvider(Start));

        var recording = await recorder.RecordAsync(new ClusterRef("streaming", "rw"), Start, Start.AddMinutes(10), TimeSpan.FromSeconds(15), null, CancellationToken.None);

        Assert.Equal(41, recording.Count);
        Assert.Equal("streaming/rw", recording.Cluster);
        Assert.Equal(Enumerable.Range(0, 41).Select(i => i * 0.25), recording.Find(ComponentKey.Compute, SeriesKind.Signal, Signal.BusyRatio)!);
        Assert.Equal(recording.Find(ComponentKey.Compute, SeriesKind.Signal, Signal.BusyRatio), recording.Find(ComponentKey.Compactor, SeriesKind.Signal, Signal.BusyRatio));
        Assert.All(recording.Find(ComponentKey.Compute, SeriesKind.Signal, Signal.CpuUtilization)!, v => Assert.Equal(0.5, v));
        Assert.All(recording.Find(ComponentKey.Compactor, SeriesKind.Signal, Signal.CpuUtilization)!, v => Assert.Equal(0.25, v));
        Assert.All(recording.Find(ComponentKey.Compute, SeriesKind.TargetReplicas)!, v => Assert.Equal(4, v));
        Assert.All(recording.Find(ComponentKey.Compactor, SeriesKind.ReadyReplicas)!, v => Assert.Equal(1, v));
        // One query per signal and per replica series, not one per component.
        Assert.Equal(SignalNames.Count + 4, prometheus.Calls.Select(c => c.Query).Distinct().Count());
    }

    [Fact]
    public async Task Long_ranges_are_fetched_a_day_at_a_time_within_the_point_limit()
    {
        var prometheus = new ScriptedPrometheus((_, _) => [(Cluster("rw"), 1)]);
        var recorder = new Autoscaler.Recording.Recorder(prometheus, new RisingWavePlan(new SignalCatalogue()), new ManualTimeProvider(Start));
        var reports = new List<double>();

        var recording = await recorder.RecordAsync(new ClusterRef("streaming", "rw"), Start, Start.AddDays(3), TimeSpan.FromSeconds(15), new SyncProgress(reports.Add), CancellationToken.None);

        Assert.Equal((3 * 5760) + 1, recording.Count);
        Assert.All(prometheus.Calls, c => Assert.True((c.End - c.Start) / TimeSpan.FromSeconds(15) < RangeChunks.MaxPointsPerSeries));
        // No step lost or doubled at the seams (cpuUtilization is per component, which this Prometheus does not label).
        Assert.All(recording.Series.Select((s, i) => (s, i)).Where(x => x.s.Signal != Signal.CpuUtilization), x => Assert.DoesNotContain(double.NaN, recording.Values[x.i]));
        Assert.Equal(1, reports[^1]);
        Assert.True(reports.Count > 10);
    }

    [Fact]
    public async Task Steps_without_data_stay_gaps()
    {
        var prometheus = new ScriptedPrometheus((_, t) => (t - Start).TotalMinutes is >= 2 and < 3 ? [] : [(Cluster("rw"), 1)]);
        var recorder = new Autoscaler.Recording.Recorder(prometheus, new RisingWavePlan(new SignalCatalogue()), new ManualTimeProvider(Start));

        var recording = await recorder.RecordAsync(new ClusterRef("streaming", "rw"), Start, Start.AddMinutes(5), TimeSpan.FromSeconds(15), null, CancellationToken.None);

        var busy = recording.Find(ComponentKey.Compute, SeriesKind.Signal, Signal.BusyRatio)!;
        Assert.Equal(4, busy.Count(double.IsNaN));
    }

    [Fact]
    public async Task A_cluster_without_data_is_an_error()
    {
        var none = new ScriptedPrometheus((_, _) => []);

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            new Autoscaler.Recording.Recorder(none, new ExportedPlan("namespace", "risingwave_name", TimeSpan.FromSeconds(15)), new ManualTimeProvider(Start))
                .RecordAsync(new ClusterRef("streaming", "rw"), Start, Start.AddMinutes(5), TimeSpan.FromSeconds(15), null, CancellationToken.None));

        Assert.StartsWith("Prometheus has no data for streaming/rw from 2026-11-01T00:00:00Z to 2026-11-01T00:05:00Z", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_range_must_be_in_order()
    {
        var recorder = new Autoscaler.Recording.Recorder(new ScriptedPrometheus((_, _) => []), new ExportedPlan("namespace", "risingwave_name", TimeSpan.FromSeconds(15)), new ManualTimeProvider(Start));

        await Assert.ThrowsAsync<ArgumentException>(() =>
            recorder.RecordAsync(new ClusterRef("a", "b"), Start, Start.AddMinutes(-5), TimeSpan.FromSeconds(15), null, CancellationToken.None));
    }

    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
