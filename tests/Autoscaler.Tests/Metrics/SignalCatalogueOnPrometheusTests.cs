using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Policies.Model;
using Xunit;
using Xunit.Abstractions;

namespace RwAutoscaler.Autoscaler.Tests.Metrics;

/// <summary>
/// The catalogue's PromQL against a real Prometheus scraping two simulated RisingWave clusters that expose RisingWave's
/// real metric names with the ServiceMonitor's labels: each signal comes out per cluster with the value the load implies.
/// </summary>
public sealed class SignalCatalogueOnPrometheusTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_signal_comes_out_per_cluster_from_a_real_prometheus()
    {
        var a = new SimulatedRisingWave("team-a", "rw-a", initialLag: 10_000)
        {
            ComputeReplicas = 2,
            CompactorReplicas = 1,
            Load = new RisingWaveLoad
            {
                IngestRate = 1000, ProcessedRate = 800, BusyRatio = 0.6, BackpressureRatio = 0.3, ComputeCpu = 0.5, CompactorCpu = 0.25,
                BarrierLatency = 0.4, CompactionPendingBytes = 8e9, CompactionRunningSlots = 3,
            },
        };
        var b = new SimulatedRisingWave("team-b", "rw-b")
        {
            ComputeReplicas = 3,
            CompactorReplicas = 2,
            Load = new RisingWaveLoad
            {
                IngestRate = 500, ProcessedRate = 500, BusyRatio = 0.2, ComputeCpu = 0.25, CompactorCpu = 0.5,
                BarrierLatency = 2, CompactionPendingBytes = 1e9, CompactionRunningSlots = 1, WriteStop = true,
            },
        };
        await using var exporter = await RisingWaveExporter.StartAsync(a, b);
        await using var prometheus = await PrometheusServer.StartAsync([.. exporter.Targets(maxCompute: 3, maxCompactor: 2)]);
        if (prometheus is null)
        {
            return;
        }

        using var client = new PrometheusClient(new PrometheusOptions { Address = prometheus.Address });
        var catalogue = new SignalCatalogue(new CatalogueOptions { RateWindow = TimeSpan.FromSeconds(6) });
        var source = new PrometheusMetricsSource(client, catalogue);
        // Until every series has been scraped for a whole rate window (rate() under-reads a series younger than it).
        // Each pod is its own target, scraped at its own offset: wait for both clusters, not only the first.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        MetricsSnapshot snapshot;
        bool Settled(MetricsSnapshot s, string ns, string name, double floor) =>
            s.Of(new ClusterRef(ns, name)).Any(x => x.Signal == Signal.ProcessedRate && x.Samples[^1].Value > floor);
        do
        {
            await Task.Delay(500);
            snapshot = await source.FetchAsync(DateTimeOffset.UtcNow, null, CancellationToken.None);
        }
        while (DateTime.UtcNow < deadline && !(Settled(snapshot, "team-a", "rw-a", 720) && Settled(snapshot, "team-b", "rw-b", 450)));

        foreach (var fetch in snapshot.Fetches)
        {
            output.WriteLine($"{fetch.Signal}: {fetch.Error ?? "ok"}");
        }

        Assert.All(snapshot.Fetches, f => Assert.True(f.Ok, $"{f.Signal}: {f.Error}"));
        Assert.Equal(SignalNames.Count, snapshot.Fetches.Count);
        var ra = new ClusterRef("team-a", "rw-a");
        var rb = new ClusterRef("team-b", "rw-b");
        double V(ClusterRef c, Signal s, ComponentKind? kind = null)
        {
            var found = snapshot.Of(c).Where(x => x.Signal == s && x.Key.Component == kind).ToList();
            Assert.True(found.Count == 1, $"{c} {s} {kind}: {found.Count} series");
            var value = found[0].Samples[^1].Value;
            output.WriteLine($"{c} {s} {kind}: {value}");
            return value;
        }

        Assert.InRange(V(ra, Signal.ProcessedRate), 720, 880);
        Assert.InRange(V(rb, Signal.ProcessedRate), 450, 550);
        Assert.InRange(V(ra, Signal.IngestRate), 600, 1400);
        // 0.6 and 0.2 by construction; a scrape that a loaded machine delays moves a 6 s rate by up to ~10 %.
        Assert.InRange(V(ra, Signal.BusyRatio), 0.5, 0.7);
        Assert.InRange(V(rb, Signal.BusyRatio), 0.15, 0.25);
        Assert.InRange(V(ra, Signal.BackpressureRatio), 0.27, 0.33);
        Assert.InRange(V(rb, Signal.BackpressureRatio), 0, 0.01);
        Assert.InRange(V(ra, Signal.CpuUtilization, ComponentKind.Compute), 0.25, 0.75);
        Assert.InRange(V(ra, Signal.CpuUtilization, ComponentKind.Compactor), 0.05, 0.45);
        Assert.InRange(V(rb, Signal.CpuUtilization, ComponentKind.Compactor), 0.25, 0.75);
        Assert.InRange(V(ra, Signal.BarrierLatencyP99), 0.25, 0.5);
        Assert.InRange(V(rb, Signal.BarrierLatencyP99), 1, 2.5);
        Assert.InRange(V(ra, Signal.SourceLagMessages), 10_000, 10_000 + (200 * 60));
        Assert.InRange(V(rb, Signal.SourceLagMessages), 0, 1_000);
        Assert.InRange(V(ra, Signal.SourceLagSeconds), 0, 60); // the age of its oldest message: LagAgeOnPrometheusTests checks the value
        Assert.Equal(8e9, V(ra, Signal.CompactionPendingBytes));
        Assert.Equal(3, V(ra, Signal.CompactionRunningSlots));
        Assert.Equal(1, V(rb, Signal.CompactionRunningSlots), 6);
        Assert.Equal(0, V(ra, Signal.L0WriteStop));
        Assert.Equal(1, V(rb, Signal.L0WriteStop));

        // Restricted to one cluster: the same number of queries, only that cluster comes back.
        var one = await source.FetchAsync(DateTimeOffset.UtcNow, [ra], CancellationToken.None);
        Assert.All(one.Fetches, f => Assert.True(f.Ok, $"{f.Signal}: {f.Error}"));
        Assert.Equal([ra], one.Clusters);

        // A range: several samples per series, every signal present.
        var now = DateTimeOffset.UtcNow;
        var range = await source.FetchRangeAsync(now.AddSeconds(-4), now, TimeSpan.FromSeconds(1), null, CancellationToken.None);
        Assert.All(range.Fetches, f => Assert.True(f.Ok, $"{f.Signal}: {f.Error}"));
        var processed = Assert.Single(range.Of(ra), x => x.Signal == Signal.ProcessedRate);
        Assert.InRange(processed.Samples.Length, 4, 5);
    }
}
