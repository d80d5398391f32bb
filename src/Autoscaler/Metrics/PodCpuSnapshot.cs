using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>The CPU cores each pod used, by cluster and pod name; <see cref="Error"/> when the query did not come back clean.</summary>
internal sealed class PodCpuSnapshot(string? error)
{
    private readonly Dictionary<ClusterRef, Dictionary<string, Sample>> _pods = [];

    public string? Error => error;

    public void Add(ClusterRef cluster, string pod, Sample sample)
    {
        if (!_pods.TryGetValue(cluster, out var pods))
        {
            pods = new Dictionary<string, Sample>(StringComparer.Ordinal);
            _pods[cluster] = pods;
        }

        pods[pod] = sample;
    }

    public IReadOnlyDictionary<string, Sample> Of(ClusterRef cluster) =>
        _pods.TryGetValue(cluster, out var pods) ? pods : new Dictionary<string, Sample>();
}
