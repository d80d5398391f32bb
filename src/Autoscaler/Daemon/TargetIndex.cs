using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>Which RisingWaveAutoscalers name which RisingWave, kept current from the autoscalers' watch events.</summary>
internal sealed class TargetIndex
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ClusterRef, ClusterRef> _targetOf = [];
    private readonly Dictionary<ClusterRef, SortedSet<ClusterRef>> _autoscalersOf = [];

    public void Set(JsonObject autoscaler)
    {
        ArgumentNullException.ThrowIfNull(autoscaler);
        var key = InformerView.KeyOf(autoscaler);
        var name = autoscaler["spec"] is JsonObject spec && spec["targetRef"] is JsonObject target
            && target["name"] is JsonValue value && value.TryGetValue<string>(out var n) ? n : null;
        using var scope = _lock.EnterScope();
        Remove(key);
        if (name is not null)
        {
            var rw = new ClusterRef(autoscaler.GetNamespace() ?? "default", name);
            _targetOf[key] = rw;
            if (!_autoscalersOf.TryGetValue(rw, out var set))
            {
                set = [];
                _autoscalersOf[rw] = set;
            }

            set.Add(key);
        }
    }

    public void Delete(ClusterRef autoscaler)
    {
        using var scope = _lock.EnterScope();
        Remove(autoscaler);
    }

    public IReadOnlyList<ClusterRef> AutoscalersOf(ClusterRef risingWave)
    {
        using var scope = _lock.EnterScope();
        return _autoscalersOf.TryGetValue(risingWave, out var set) ? [.. set] : [];
    }

    private void Remove(ClusterRef key)
    {
        if (_targetOf.Remove(key, out var old) && _autoscalersOf.TryGetValue(old, out var set))
        {
            set.Remove(key);
            if (set.Count == 0)
            {
                _autoscalersOf.Remove(old);
            }
        }
    }
}
