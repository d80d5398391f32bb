using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Overrides;

namespace RwAutoscaler.Policies.Engine;

/// <summary>
/// The engine as every host drives it for one cluster: decide, act (or not), record. The daemon, the dry-run
/// and the simulator all go through this class, so their decisions follow the same history rules. Keeps the
/// history the engine needs (<see cref="ScalingEngine.HistoryHorizon"/>) and drops what is older.
/// Not thread-safe: one session per cluster, driven by one worker at a time.
/// </summary>
public sealed class ScalingSession
{
    private HistoryEntry[] _buffer = new HistoryEntry[64];
    private int _start;
    private int _count;

    // The newest acted entry of each component still in the buffer (a handful): what ScalingHistory.LastAction
    // would find by scanning back, which over a four-hour horizon is thousands of entries on every evaluation.
    private HistoryEntry[] _lastActions = new HistoryEntry[4];
    private int _actionCount;

    public ScalingSession(ScalingEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Engine = engine;
    }

    public ScalingEngine Engine { get; }

    public ScalingHistory History => new(_buffer.AsMemory(_start, _count), _lastActions.AsMemory(0, _actionCount));

    /// <summary>Restores history that survived a restart (the daemon keeps actions in the resource's status).</summary>
    public void Seed(IEnumerable<HistoryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries.OrderBy(e => e.Time))
        {
            Append(entry);
        }
    }

    public ClusterDecision Decide(ClusterObservation observation, ScalingOverrides? overrides = null, DateTimeOffset? now = null) =>
        Engine.Evaluate(observation, History, overrides, now);

    /// <summary>The same decision, with external policies asked without blocking a thread (the daemon's path).</summary>
    public ValueTask<ClusterDecision> DecideAsync(ClusterObservation observation, ScalingOverrides? overrides = null, DateTimeOffset? now = null, CancellationToken cancellationToken = default) =>
        Engine.EvaluateAsync(observation, History, overrides, now, cancellationToken);

    /// <summary>Records what became of a component's decision: acted when the host changed the replicas.</summary>
    public HistoryEntry Record(ComponentDecision decision, bool acted)
    {
        var entry = HistoryEntry.Of(decision, acted);
        Append(entry);
        return entry;
    }

    /// <summary>Records a whole decision, acting on every component that changes (the simulator's case).</summary>
    public void RecordAll(ClusterDecision decision, bool acted)
    {
        ArgumentNullException.ThrowIfNull(decision);
        foreach (var component in decision.Components)
        {
            Record(component, acted);
        }
    }

    private void Append(HistoryEntry entry)
    {
        if (_count > 0 && entry.Time < _buffer[_start + _count - 1].Time)
        {
            throw new ArgumentException($"history must be recorded in time order: {TimeText.Rfc3339(entry.Time)} is before the last entry", nameof(entry));
        }

        Trim(entry.Time);
        if (_start + _count == _buffer.Length)
        {
            if (_start > 0 && _count <= _buffer.Length / 2)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _count);
                Array.Clear(_buffer, _count, _start);
            }
            else
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
                Array.Copy(_buffer, _start, _buffer, 0, _count);
                if (_start > 0)
                {
                    Array.Clear(_buffer, _count, _start);
                }
            }

            _start = 0;
        }

        _buffer[_start + _count++] = entry;
        if (entry.Acted)
        {
            RememberAction(entry);
        }
    }

    private void RememberAction(HistoryEntry entry)
    {
        for (var i = 0; i < _actionCount; i++)
        {
            if (_lastActions[i].Component == entry.Component)
            {
                _lastActions[i] = entry;
                return;
            }
        }

        if (_actionCount == _lastActions.Length)
        {
            Array.Resize(ref _lastActions, _lastActions.Length * 2);
        }

        _lastActions[_actionCount++] = entry;
    }

    private void ForgetAction(HistoryEntry entry)
    {
        for (var i = 0; i < _actionCount; i++)
        {
            if (ReferenceEquals(_lastActions[i], entry))
            {
                _lastActions[i] = _lastActions[--_actionCount];
                _lastActions[_actionCount] = null!;
                return;
            }
        }
    }

    // Entries older than the horizon are never read again: every window, cooldown and settling rule of the
    // engine is shorter than it (a minute of slack covers a tick that arrives late).
    private void Trim(DateTimeOffset now)
    {
        var cutoff = now - Engine.HistoryHorizon - TimeSpan.FromMinutes(1);
        while (_count > 0 && _buffer[_start].Time < cutoff)
        {
            if (_buffer[_start].Acted)
            {
                ForgetAction(_buffer[_start]);
            }

            _buffer[_start] = null!;
            _start++;
            _count--;
        }
    }
}
