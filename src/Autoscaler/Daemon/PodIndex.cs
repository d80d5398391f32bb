using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Watching;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>What HPA reads of a pod: its phase, readiness and when it changed, when it started, and its CPU request.</summary>
internal sealed record PodFacts(string Name, PodPhase Phase, bool Ready, bool Deleting, DateTimeOffset? StartTime, DateTimeOffset? ReadyTransitionTime, double? CpuRequest);

/// <summary>
/// The compute and compactor pods of every RisingWave, from the pod informer, indexed by cluster and node group (the
/// labels both operators put on them: <c>risingwave/name</c>, <c>risingwave/component</c>, <c>risingwave/group</c>),
/// parsed once per change so that a tick costs a dictionary look-up.
/// </summary>
internal sealed class PodIndex
{
    /// <summary>The informer's selector: only the pods the engine sizes.</summary>
    public const string Selector = "risingwave/component in (compute,compactor)";

    private readonly Lock _lock = new();
    private readonly Dictionary<(ClusterRef Cluster, ComponentKey Component), Dictionary<string, PodFacts>> _pods = [];
    private readonly Dictionary<(string Namespace, string Name), (ClusterRef, ComponentKey)> _where = [];

    public void On(InformerEvent<JsonObject> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var ns = e.Object.GetNamespace() ?? "default";
        var name = e.Object.GetName() ?? "";
        using var scope = _lock.EnterScope();
        if (_where.Remove((ns, name), out var old) && _pods.TryGetValue(old, out var before))
        {
            before.Remove(name);
        }

        if (e.Type == InformerEventType.Deleted || Key(e.Object, ns) is not { } key)
        {
            return;
        }

        if (!_pods.TryGetValue(key, out var pods))
        {
            pods = new Dictionary<string, PodFacts>(StringComparer.Ordinal);
            _pods[key] = pods;
        }

        pods[name] = Read(e.Object, name);
        _where[(ns, name)] = key;
    }

    public IReadOnlyList<PodFacts> PodsOf(ClusterRef cluster, ComponentKey component)
    {
        using var scope = _lock.EnterScope();
        return _pods.TryGetValue((cluster, component), out var pods) ? [.. pods.Values.OrderBy(p => p.Name, StringComparer.Ordinal)] : [];
    }

    private static (ClusterRef, ComponentKey)? Key(JsonObject pod, string ns)
    {
        var labels = pod["metadata"]?["labels"] as JsonObject;
        if ((string?)labels?["risingwave/name"] is not { Length: > 0 } rw
            || !ComponentKindNames.TryParse((string?)labels["risingwave/component"], out var kind))
        {
            return null;
        }

        return (new ClusterRef(ns, rw), new ComponentKey(kind, (string?)labels["risingwave/group"] ?? ""));
    }

    private static PodFacts Read(JsonObject pod, string name)
    {
        var status = pod["status"] as JsonObject;
        var phase = (string?)status?["phase"] switch
        {
            "Running" => PodPhase.Running,
            "Failed" or "Succeeded" => PodPhase.Failed,
            _ => PodPhase.Pending,
        };
        var ready = (status?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == "Ready");
        double? request = 0;
        foreach (var container in (pod["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            // HPA: a container without a CPU request makes the pod's utilization undefined.
            request = request is { } sum && RisingWaveState.Cpu(container["resources"]?["requests"]?["cpu"]) is { } cpu ? sum + cpu : null;
        }

        return new PodFacts(
            name,
            phase,
            (string?)ready?["status"] == "True",
            pod["metadata"]?["deletionTimestamp"] is not null,
            Time(status?["startTime"]),
            Time(ready?["lastTransitionTime"]),
            request is > 0 ? request : null);
    }

    private static DateTimeOffset? Time(JsonNode? node) =>
        (string?)node is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    /// <summary>The engine's view of the pods: each pod's CPU used over its request (as HPA measures it), when both are known.</summary>
    public static ImmutableArray<PodObservation> Observe(IReadOnlyList<PodFacts> pods, IReadOnlyDictionary<string, Sample> cpuCores)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(cpuCores);
        var observed = ImmutableArray.CreateBuilder<PodObservation>(pods.Count);
        foreach (var pod in pods)
        {
            var values = new Dictionary<Signal, Sample>();
            if (pod.CpuRequest is { } request && cpuCores.TryGetValue(pod.Name, out var used))
            {
                values[Signal.CpuUtilization] = new Sample(used.Time, used.Value / request);
            }

            observed.Add(new PodObservation
            {
                Name = pod.Name,
                Phase = pod.Phase,
                Ready = pod.Ready,
                Deleting = pod.Deleting,
                StartTime = pod.StartTime,
                ReadyTransitionTime = pod.ReadyTransitionTime,
                Values = values,
            });
        }

        return observed.MoveToImmutable();
    }
}
