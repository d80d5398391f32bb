using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Recording;
using RwAutoscaler.Autoscaler.Tests.Doctor;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Recording;

/// <summary>
/// What <c>autoscaler record</c> writes as each component's cores per replica, on clusters shaped like RisingWave in a
/// real Prometheus: the pods' CPU requests from kube-state-metrics, whole cores from process_cpu_core_num only without them.
/// </summary>
public sealed class CoresPerReplicaOnPrometheusTests(ShapesOnPrometheus shapes) : IClassFixture<ShapesOnPrometheus>
{
    [Theory]
    [InlineData("fractional-cpu", "compute", 1.5)] // process_cpu_core_num reads 1
    [InlineData("fractional-cpu", "compactor", 0.5)] // process_cpu_core_num reads 0
    [InlineData("v3.0", "compute", 4)]
    [InlineData("no-kube-state-metrics", "compute", 4)] // no requests: the cgroup's whole cores
    public async Task Cores_per_replica_are_the_pods_cpu_requests(string shape, string component, double cores)
    {
        var cluster = RisingWaveShapes.Named(shape);
        var plan = new RisingWavePlan(new SignalCatalogue());
        var query = plan.Series(new ClusterRef(cluster.Namespace, cluster.Cluster))
            .Single(p => p.Info.Kind == SeriesKind.CoresPerReplica && p.Info.Component.Kind.ToName() == component).Info.Query;
        using var client = new PrometheusClient(new PrometheusOptions { Address = shapes.Served.Prometheus!.Address });

        var result = await client.QueryAsync(query, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(cores, Assert.Single(result.Series).Samples[^1].Value, 6);
    }
}
