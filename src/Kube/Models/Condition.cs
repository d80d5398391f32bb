using System.Text.Json;
using System.Text.Json.Serialization;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Kube.Models;

/// <summary>
/// metav1.Condition. Workload conditions (Deployment, StatefulSet) have the same core fields; their
/// extra lastUpdateTime survives in <see cref="AdditionalProperties"/>.
/// </summary>
public sealed record Condition
{
    public required string Type { get; init; }

    /// <summary>True, False or Unknown.</summary>
    public required string Status { get; init; }

    public long? ObservedGeneration { get; init; }

    [JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? LastTransitionTime { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>meta.SetStatusCondition and friends, with the same rules as apimachinery conditions.go.</summary>
public static class Conditions
{
    public static Condition? Find(IReadOnlyList<Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));

    public static bool IsTrue(IReadOnlyList<Condition>? conditions, string type) =>
        string.Equals(Find(conditions, type)?.Status, "True", StringComparison.Ordinal);

    /// <summary>
    /// Sets <paramref name="condition"/> in the list. lastTransitionTime changes only when status flips
    /// (or the condition is new); "changed" is true when status, reason, message or observedGeneration
    /// changed, so callers write status only then and keep updates no-op otherwise.
    /// </summary>
    public static (IReadOnlyList<Condition> Conditions, bool Changed) Set(
        IReadOnlyList<Condition>? conditions, Condition condition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var list = conditions?.ToList() ?? [];
        var index = list.FindIndex(c => string.Equals(c.Type, condition.Type, StringComparison.Ordinal));
        if (index < 0)
        {
            list.Add(condition with { LastTransitionTime = condition.LastTransitionTime ?? now });
            return (list, true);
        }

        var existing = list[index];
        var updated = existing with
        {
            Status = condition.Status,
            Reason = condition.Reason,
            Message = condition.Message,
            ObservedGeneration = condition.ObservedGeneration,
            LastTransitionTime = string.Equals(existing.Status, condition.Status, StringComparison.Ordinal)
                ? existing.LastTransitionTime
                : condition.LastTransitionTime ?? now,
        };
        var changed = !string.Equals(existing.Status, updated.Status, StringComparison.Ordinal)
            || !string.Equals(existing.Reason, updated.Reason, StringComparison.Ordinal)
            || !string.Equals(existing.Message, updated.Message, StringComparison.Ordinal)
            || existing.ObservedGeneration != updated.ObservedGeneration;
        list[index] = updated;
        return (list, changed);
    }

    public static (IReadOnlyList<Condition> Conditions, bool Changed) Remove(IReadOnlyList<Condition>? conditions, string type)
    {
        var list = conditions?.ToList() ?? [];
        var removed = list.RemoveAll(c => string.Equals(c.Type, type, StringComparison.Ordinal)) > 0;
        return (list, removed);
    }
}
