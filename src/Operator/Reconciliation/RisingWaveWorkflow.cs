using k8s.Models;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Factory;
using RwAutoscaler.Operator.Reactions;
using RwAutoscaler.Operator.Resources;

namespace RwAutoscaler.Operator.Reconciliation;

/// <summary>
/// The reconcile of one RisingWave as a workflow of reactions, shaped like upstream's reactiveWorkflow:
/// branches that move the Initializing, Running and Upgrading conditions, all sharing one "sync
/// everything and wait until it is ready" run; one reaction per sub-resource (the ConfigMap, each
/// component's Service, each node group's workload, each stale workload to delete), every one of them
/// bounded by a timeout and retried from a fresh read on a conflict; then the status, written only when
/// it changed.
/// </summary>
internal sealed class RisingWaveWorkflow(ReconcileRun run)
{
    private ReconcilerServices Services => run.Services;

    private StatusBuilder Status => run.Status;

    public Reaction Build()
    {
        if (run.Errors.Count > 0)
        {
            return React.Sequential(MarkInvalid(), WriteStatus());
        }

        var syncAllAndWait = React.Shared(React.Sequential(
            React.Step("SyncObservedGeneration", () => Status.ObservedGeneration = run.Generation),
            SyncConfigMap(),
            React.ParallelJoin(ComponentKind.All.Select(SyncComponent)),
            React.Barrier("AllComponentsReady", AllComponentsReady)));

        var conditions = React.Join(
            React.Step("RemoveConditionFailed", () => Status.Remove(ConditionTypes.Failed)),

            // First observation: Initializing, not Running.
            React.Sequential(
                React.Barrier("FirstTimeObserved", () => !Status.Has(ConditionTypes.Running) && !Status.Has(ConditionTypes.Initializing)),
                React.Step("MarkConditionInitializingAsTrue", () => Status.Set(ConditionTypes.Initializing, true, "Initializing", "Creating the components")),
                React.Step("MarkConditionRunningAsFalse", () => Status.Set(ConditionTypes.Running, false, "Initializing", "Components are being created"))),

            // Initializing until everything is ready once.
            React.Sequential(
                React.Barrier("ConditionInitializingIsTrue", () => Status.Is(ConditionTypes.Initializing, true)),
                syncAllAndWait,
                React.Step("RemoveConditionInitializing", () => Status.Remove(ConditionTypes.Initializing))),

            // Not running (initializing, or recovering from a missing component) until everything is ready.
            React.Sequential(
                React.Barrier("ConditionRunningIsFalse", () => Status.Is(ConditionTypes.Running, false)),
                syncAllAndWait,
                React.Step("MarkConditionRunningAsTrue", () => Status.Set(ConditionTypes.Running, true, "AllComponentsReady", "All components are ready"))),

            // Running, and the spec changed since it was last observed: Upgrading.
            React.Sequential(
                React.Barrier("ConditionRunningIsTrue", () => Status.Is(ConditionTypes.Running, true)),
                React.Barrier("ObservedGenerationOutdated", () => Status.ObservedGeneration != run.Generation),
                React.Step("MarkConditionUpgradingAsTrue", () => Status.Set(ConditionTypes.Upgrading, true, "GenerationChanged",
                    string.Create(CultureInfo.InvariantCulture, $"Rolling out generation {run.Generation}")))),

            // Upgrading until the new generation is rolled out everywhere.
            React.Sequential(
                React.Barrier("ConditionUpgradingIsTrue", () => Status.Is(ConditionTypes.Upgrading, true)),
                syncAllAndWait,
                React.Step("MarkConditionUpgradingAsFalse", () => Status.Set(ConditionTypes.Upgrading, false, "RolledOut",
                    string.Create(CultureInfo.InvariantCulture, $"Generation {run.Generation} is rolled out")))),

            // Level-based: whatever the conditions say, the objects are kept as the spec asks (a no-op if a
            // branch above ran it already).
            syncAllAndWait,

            React.Step("CollectRunningStatisticsAndSyncStatus", CollectStatus));

        return React.Join(conditions, WriteStatus());
    }

    private Reaction Guarded(Reaction reaction) => React.Retry(
        React.Timeout(reaction, Services.Options.SubResourceTimeout, Services.Time),
        Services.Options.ConflictAttempts,
        Services.Options.ConflictBackoff,
        e => e is KubeApiException { IsConflict: true } or KubeApiException { IsAlreadyExists: true },
        Services.Time);

    private Reaction SyncConfigMap() => Guarded(React.Action($"SyncConfigMap({RisingWaveNames.DefaultConfig(run.Name)})", async (context, cancellationToken) =>
    {
        await Services.Sync.ApplyAsync(ResourceType.ConfigMaps, run.DesiredConfigMap!, createOnly: true, run.Uid, context, cancellationToken);
        return ReactionResult.Next;
    }));

    private Reaction SyncComponent(ComponentKind component)
    {
        var reactions = new List<Reaction> { SyncService(component) };
        reactions.AddRange(run.DesiredWorkloads[component].Select(w => SyncWorkload(component, w.Key, w.Value)));
        reactions.AddRange(run.StaleWorkloads[component].Select(w => DeleteWorkload(component, w)));
        return React.ParallelJoin(reactions);
    }

    private Reaction SyncService(ComponentKind component) => Guarded(React.Action($"SyncService({RisingWaveNames.Component(run.Name, component)})", async (context, cancellationToken) =>
    {
        await Services.Sync.ApplyAsync(ResourceType.Services, run.DesiredServices[component], createOnly: false, run.Uid, context, cancellationToken);
        return ReactionResult.Next;
    }));

    private Reaction SyncWorkload(ComponentKind component, string group, JsonObject desired) =>
        Guarded(React.Action($"Sync{component.Workload.Kind}({desired.GetName()})", async (context, cancellationToken) =>
        {
            run.LiveWorkloads[(component, group)] = await Services.Sync.ApplyAsync(component.Workload, desired, createOnly: false, run.Uid, context, cancellationToken);
            return ReactionResult.Next;
        }));

    private Reaction DeleteWorkload(ComponentKind component, JsonObject stale) =>
        Guarded(React.Action($"Delete{component.Workload.Kind}({stale.GetName()})", async (_, cancellationToken) =>
        {
            Services.Logger.LogInformation("Deleting {Kind} {Namespace}/{Name}: no node group of {RisingWave} asks for it",
                component.Workload.Kind, run.Namespace, stale.GetName(), run.Name);
            await Services.Sync.DeleteAsync(component.Workload, stale, cancellationToken);
            return ReactionResult.Next;
        }));

    private bool AllComponentsReady() => ComponentKind.All.All(component =>
        run.DesiredWorkloads[component].Keys.All(group =>
            run.LiveWorkloads.TryGetValue((component, group), out var live) && WorkloadState.IsRolledOut(live)));

    private Reaction MarkInvalid() => React.Step("MarkConditionFailedAsTrue", () =>
    {
        var message = "Invalid spec, nothing was changed: " + string.Join("; ", run.Errors);
        Status.Set(ConditionTypes.Failed, true, "InvalidSpec", message);
        Services.Logger.LogWarning("RisingWave {RisingWave} has an invalid spec: {Errors}", run.Key, string.Join("; ", run.Errors));
    });

    /// <summary>Replica counts, versions, backends; Running turns False when an object or a group's workload is missing.</summary>
    private void CollectStatus()
    {
        var spec = run.RisingWave.Spec!;
        var missing = new List<string>();
        foreach (var component in ComponentKind.All)
        {
            if (!run.Exists(ResourceType.Services, RisingWaveNames.Component(run.Name, component)))
            {
                missing.Add($"Service({component.Name})");
            }
        }

        if (!run.Exists(ResourceType.ConfigMaps, RisingWaveNames.DefaultConfig(run.Name)))
        {
            missing.Add("ConfigMap(config)");
        }

        var replicas = new Dictionary<ComponentKind, ComponentReplicasStatus>();
        foreach (var component in ComponentKind.All)
        {
            replicas[component] = ComponentReplicas(component);
            if (replicas[component].Groups?.Any(g => !g.Exists) == true)
            {
                missing.Add($"{component.Workload.Kind}s({component.Name})");
            }
        }

        Status.ComponentReplicas = new RisingWaveComponentsReplicasStatus
        {
            Meta = replicas[ComponentKind.Meta],
            Frontend = replicas[ComponentKind.Frontend],
            Compute = replicas[ComponentKind.Compute],
            Compactor = replicas[ComponentKind.Compactor],
            Standalone = new ComponentReplicasStatus { Target = 0, Running = 0 },
        };
        Status.Version = VersionOf(spec.Image!);
        Status.MetaStore = new RisingWaveStoreStatus { Backend = StoreEnvironment.MetaStoreBackend(spec.MetaStore) };
        Status.StateStore = new RisingWaveStoreStatus { Backend = StoreEnvironment.StateStoreBackend(spec.StateStore) };
        if (missing.Count > 0)
        {
            Status.Set(ConditionTypes.Running, false, "ComponentsMissing", "Found components broken or missing: " + string.Join(",", missing));
        }
    }

    /// <summary>upstream buildNodeGroupStatus: target from the spec, running from readyReplicas, groups sorted by name.</summary>
    private ComponentReplicasStatus ComponentReplicas(ComponentKind component)
    {
        var expected = component.Groups(run.RisingWave.Spec).ToDictionary(g => g.Name ?? "", g => g.Replicas ?? 0, StringComparer.Ordinal);
        var groups = new List<ComponentGroupReplicasStatus>();
        var running = 0;
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var workload in run.Workloads(component))
        {
            var group = ReconcileRun.GroupOf(workload);
            var ready = WorkloadState.ReadyReplicas(workload);
            running += ready;
            found.Add(group);
            groups.Add(expected.TryGetValue(group, out var target)
                ? new ComponentGroupReplicasStatus { Name = group, Target = target, Running = ready, Exists = true }
                : new ComponentGroupReplicasStatus { Name = group + "(-)", Target = 0, Running = ready, Exists = true });
        }

        groups.AddRange(expected.Where(e => !found.Contains(e.Key))
            .Select(e => new ComponentGroupReplicasStatus { Name = e.Key, Target = e.Value, Running = 0, Exists = false }));
        return new ComponentReplicasStatus
        {
            Target = expected.Values.Sum(),
            Running = running,
            Groups = groups.Count == 0 ? null : groups.OrderBy(g => g.Name, StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>The tag of the image ("v3.0.3"), "latest" when it has none (upstream utils.GetVersionFromImage).</summary>
    internal static string VersionOf(string image)
    {
        var digest = image.IndexOf('@', StringComparison.Ordinal);
        var name = digest >= 0 ? image[..digest] : image;
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[(colon + 1)..] : "latest";
    }

    private Reaction WriteStatus() => React.Retry(
        React.Timeout(React.Action("UpdateRisingWaveStatusViaClient", WriteStatusAsync), Services.Options.SubResourceTimeout, Services.Time),
        Services.Options.ConflictAttempts,
        Services.Options.ConflictBackoff,
        e => e is KubeApiException { IsConflict: true },
        Services.Time);

    private async Task<ReactionResult> WriteStatusAsync(ReactionContext context, CancellationToken cancellationToken)
    {
        var resource = Services.Client.Resource<RisingWave>();
        var stamp = Services.Caches.RisingWaves.Stamp(run.Namespace, run.Name);
        var current = context.ReadFresh ? await resource.GetOrNullAsync(run.Namespace, run.Name, cancellationToken) : run.RisingWave;
        if (current is null || current.Metadata.Uid != run.Uid)
        {
            return ReactionResult.Next;
        }

        var status = Status.ApplyTo(current.Status);
        if (current.Status is not null && KubeJson.SemanticEquals(current.Status, status, OperatorJsonContext.Default.RisingWaveStatus))
        {
            return ReactionResult.Next;
        }

        Services.Metrics.Write("update", "risingwaves/status");
        RisingWave written;
        try
        {
            written = await resource.ReplaceStatusAsync(current with { Status = status }, cancellationToken);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return ReactionResult.Next;
        }

        Services.Caches.RisingWaves.Remember(written, stamp);
        var regarding = new V1ObjectReference
        {
            ApiVersion = RisingWaveResource.Type.ApiVersion,
            Kind = RisingWaveResource.Type.Kind,
            NamespaceProperty = run.Namespace,
            Name = run.Name,
            Uid = run.Uid,
            ResourceVersion = written.Metadata.ResourceVersion,
        };
        foreach (var change in StatusBuilder.Transitions(current.Status?.Conditions, status.Conditions))
        {
            Services.Events.Record(regarding, change.Type, change.Reason, "Reconcile", change.Note);
        }

        return ReactionResult.Next;
    }
}
