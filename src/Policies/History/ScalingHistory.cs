using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.History;

/// <summary>
/// Past entries of every component of a cluster, oldest first. A view over the host's buffer: the simulator
/// appends to one array and passes a slice each step.
/// </summary>
public readonly struct ScalingHistory
{
    private readonly ReadOnlyMemory<HistoryEntry> _entries;
    private readonly ReadOnlyMemory<HistoryEntry>? _lastActions;

    public ScalingHistory(ReadOnlyMemory<HistoryEntry> entries) => _entries = entries;

    /// <summary>
    /// A history whose host also keeps the newest acted entry of each component among <paramref name="entries"/>,
    /// so that <see cref="LastAction"/> does not scan hours of entries on every evaluation.
    /// </summary>
    internal ScalingHistory(ReadOnlyMemory<HistoryEntry> entries, ReadOnlyMemory<HistoryEntry> lastActions)
    {
        _entries = entries;
        _lastActions = lastActions;
    }

    public static ScalingHistory Empty => default;

    public ReadOnlySpan<HistoryEntry> Entries => _entries.Span;

    public int Count => _entries.Length;

    /// <summary>The newest entry of a component where the host acted, or null.</summary>
    public HistoryEntry? LastAction(ComponentKey component)
    {
        var entries = _lastActions is { } indexed ? indexed.Span : _entries.Span;
        for (var i = entries.Length - 1; i >= 0; i--)
        {
            var entry = entries[i];
            if (entry.Acted && entry.Component == component)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>The oldest time covered by the history, or null when it is empty.</summary>
    public DateTimeOffset? Start => _entries.IsEmpty ? null : _entries.Span[0].Time;
}
