using System.Collections.Immutable;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>
/// Builds the engine's observation of a cluster from its RisingWave resource, its signal windows and its pods. Pods
/// carry their CPU over their request when Prometheus has each pod's CPU; when no pod has both (no <c>pod</c> label, a
/// failed query, no CPU requests), the observation has no pods and the utilization policy reads the component's average.
/// </summary>
internal static class ObservationBuilder
{
    /// <summary>The observation, and the configured components the RisingWave has no node group for.</summary>
    public static (ClusterObservation Observation, IReadOnlyList<ComponentKey> Missing, IReadOnlyList<ComponentState> States) Build(
        RisingWaveState rw, AutoscalingSpec spec, MetricsStore store, DateTimeOffset now, PodIndex? pods = null)
    {
        ArgumentNullException.ThrowIfNull(rw);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        var components = ImmutableArray.CreateBuilder<ComponentObservation>(spec.Components.Length);
        var missing = new List<ComponentKey>();
        var states = new List<ComponentState>();
        var custom = store.CustomFor(rw.Ref, spec.Signals);
        var podCpu = pods is null ? null : store.PodCpu(rw.Ref);
        foreach (var component in spec.Components)
        {
            if (rw.Component(component.Key) is not { } state)
            {
                missing.Add(component.Key);
                continue;
            }

            states.Add(state);
            components.Add(new ComponentObservation
            {
                Key = component.Key,
                TargetReplicas = state.Target,
                CurrentReplicas = state.Target,
                ReadyReplicas = state.Running,
                RescaleInProgress = state.RescaleInProgress,
                CoresPerReplica = state.CoresPerReplica,
                Signals = store.SignalsFor(rw.Ref, component.Key).WithCustom(custom),
                Pods = podCpu is { Count: > 0 } ? Observe(pods!.PodsOf(rw.Ref, component.Key), podCpu) : [],
            });
        }

        var observation = new ClusterObservation { Cluster = rw.Ref.ToString(), Time = now, Components = components.ToImmutable() };
        return (observation, missing, states);
    }

    // Per pod only when at least one pod has both its CPU and a CPU request (HPA cannot measure a pod without a request).
    private static ImmutableArray<PodObservation> Observe(IReadOnlyList<PodFacts> pods, IReadOnlyDictionary<string, Sample> cpu) =>
        pods.Any(p => p.CpuRequest is not null && cpu.ContainsKey(p.Name)) ? PodIndex.Observe(pods, cpu) : [];
}
