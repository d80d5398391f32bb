using System.Collections.Immutable;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>Builds the engine's observation of a cluster from its RisingWave resource and its signal windows.</summary>
internal static class ObservationBuilder
{
    /// <summary>The observation, and the configured components the RisingWave has no node group for.</summary>
    public static (ClusterObservation Observation, IReadOnlyList<ComponentKey> Missing, IReadOnlyList<ComponentState> States) Build(
        RisingWaveState rw, AutoscalingSpec spec, MetricsStore store, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rw);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        var components = ImmutableArray.CreateBuilder<ComponentObservation>(spec.Components.Length);
        var missing = new List<ComponentKey>();
        var states = new List<ComponentState>();
        var custom = store.CustomFor(rw.Ref, spec.Signals);
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
            });
        }

        var observation = new ClusterObservation { Cluster = rw.Ref.ToString(), Time = now, Components = components.ToImmutable() };
        return (observation, missing, states);
    }
}
