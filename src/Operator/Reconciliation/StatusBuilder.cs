using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Resources;

namespace RwAutoscaler.Operator.Reconciliation;

/// <summary>Condition types upstream uses (RisingWaveConditionType).</summary>
internal static class ConditionTypes
{
    public const string Running = "Running";
    public const string Initializing = "Initializing";
    public const string Upgrading = "Upgrading";
    public const string Failed = "Failed";
}

/// <summary>An event to record because a condition changed.</summary>
internal sealed record ConditionEvent(string Type, string Reason, string Note);

/// <summary>
/// The status a reconcile is building, starting from the one it read. Conditions follow
/// meta.SetStatusCondition: lastTransitionTime moves only when the status flips. Only the fields the
/// operator owns are replaced when writing; the rest of the status is written back as read.
/// </summary>
internal sealed class StatusBuilder(RisingWaveStatus? observed, TimeProvider time)
{
    private IReadOnlyList<Condition> conditions = observed?.Conditions ?? [];

    public long? ObservedGeneration { get; set; } = observed?.ObservedGeneration;

    public string? Version { get; set; } = observed?.Version;

    public RisingWaveComponentsReplicasStatus? ComponentReplicas { get; set; } = observed?.ComponentReplicas;

    public RisingWaveStoreStatus? MetaStore { get; set; } = observed?.MetaStore;

    public RisingWaveStoreStatus? StateStore { get; set; } = observed?.StateStore;

    public IReadOnlyList<Condition> Conditions => conditions;

    public bool Has(string type) => Kube.Models.Conditions.Find(conditions, type) is not null;

    public bool Is(string type, bool value) =>
        Kube.Models.Conditions.Find(conditions, type)?.Status == (value ? "True" : "False");

    public void Set(string type, bool value, string reason, string message) =>
        conditions = Kube.Models.Conditions.Set(conditions, new Condition
        {
            Type = type,
            Status = value ? "True" : "False",
            Reason = reason,
            Message = message,
        }, time.GetUtcNow()).Conditions;

    public void Remove(string type) => conditions = Kube.Models.Conditions.Remove(conditions, type).Conditions;

    /// <summary><paramref name="current"/> with the operator's fields replaced by what this reconcile found.</summary>
    public RisingWaveStatus ApplyTo(RisingWaveStatus? current) => (current ?? new RisingWaveStatus()) with
    {
        ObservedGeneration = ObservedGeneration,
        Version = Version,
        ComponentReplicas = ComponentReplicas,
        Conditions = conditions.Count == 0 ? null : conditions,
        MetaStore = MetaStore,
        StateStore = StateStore,
    };

    /// <summary>The events that announce how conditions changed between two statuses.</summary>
    public static IEnumerable<ConditionEvent> Transitions(IReadOnlyList<Condition>? before, IReadOnlyList<Condition>? after)
    {
        static Condition? Find(IReadOnlyList<Condition>? list, string type) => Kube.Models.Conditions.Find(list, type);

        var runningBefore = Find(before, ConditionTypes.Running);
        var runningAfter = Find(after, ConditionTypes.Running);
        if (runningAfter?.Status == "True" && runningBefore?.Status != "True")
        {
            yield return new("Normal", "Running", "All components are ready");
        }
        else if (runningAfter?.Status == "False" && runningBefore?.Status == "True")
        {
            yield return new("Warning", "Unhealthy", runningAfter.Message ?? "Running is False");
        }

        var upgradingBefore = Find(before, ConditionTypes.Upgrading);
        var upgradingAfter = Find(after, ConditionTypes.Upgrading);
        if (upgradingAfter?.Status == "True" && upgradingBefore?.Status != "True")
        {
            yield return new("Normal", "Upgrading", upgradingAfter.Message ?? "Rolling out a new generation");
        }
        else if (upgradingAfter?.Status == "False" && upgradingBefore?.Status == "True")
        {
            yield return new("Normal", "Upgraded", upgradingAfter.Message ?? "Rolled out");
        }

        var failedAfter = Find(after, ConditionTypes.Failed);
        if (failedAfter?.Status == "True" && (Find(before, ConditionTypes.Failed) is not { Status: "True" } failedBefore || failedBefore.Message != failedAfter.Message))
        {
            yield return new("Warning", failedAfter.Reason ?? "Failed", failedAfter.Message ?? "");
        }
    }
}
