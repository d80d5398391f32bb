using RwAutoscaler.Autoscaler.Metrics;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>Why a cluster is evaluated; several coalesce into one evaluation.</summary>
[Flags]
internal enum Trigger
{
    None = 0,
    /// <summary>A watch event on the autoscaler or its RisingWave (spec, annotations, status).</summary>
    Watch = 1,
    /// <summary>An alert posted to the webhook names the cluster.</summary>
    Alert = 2,
    /// <summary>The polling interval came round.</summary>
    Tick = 4,
    /// <summary>Running replicas reached the target: a rescale ended.</summary>
    RescaleEnd = 8,
    /// <summary>A failed write is tried again.</summary>
    Retry = 16,
    /// <summary>The daemon started leading: everything is evaluated once.</summary>
    Start = 32,
}

/// <summary>One cluster to evaluate, with every reason it was asked for since the last time.</summary>
internal sealed record WorkItem(ClusterRef Key, Trigger Triggers, DateTimeOffset? AlertAt);

/// <summary>
/// A per-cluster coalescing work queue with due times, after client-go's workqueue: a key is queued at most once (a
/// second add merges its reasons and keeps the earlier due time), never handed to two workers at once (an add while
/// it is being processed is kept and queued when <see cref="Done"/> is called), and <see cref="TakeAsync"/> hands out
/// every key that is due at once, so that one metrics fetch serves them all. Time comes from a TimeProvider.
/// </summary>
internal sealed class WorkQueue(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ClusterRef, Entry> _queued = [];
    private readonly Dictionary<ClusterRef, Entry> _dirty = [];
    private readonly HashSet<ClusterRef> _processing = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Keys due now and waiting for a worker.</summary>
    public int Ready
    {
        get
        {
            using var scope = _lock.EnterScope();
            var now = time.GetUtcNow();
            return _queued.Values.Count(e => e.Due <= now);
        }
    }

    /// <summary>Keys waiting for a later time (their next tick, a retry).</summary>
    public int Scheduled
    {
        get
        {
            using var scope = _lock.EnterScope();
            var now = time.GetUtcNow();
            return _queued.Values.Count(e => e.Due > now);
        }
    }

    public void Add(ClusterRef key, Trigger trigger, TimeSpan delay = default, DateTimeOffset? alertAt = null) =>
        AddRange([key], trigger, delay, alertAt);

    /// <summary>Adds several keys at once: they become due together and are handed out in one batch.</summary>
    public void AddRange(IEnumerable<ClusterRef> keys, Trigger trigger, TimeSpan delay = default, DateTimeOffset? alertAt = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Enqueue(keys, new Entry(time.GetUtcNow() + (delay > TimeSpan.Zero ? delay : TimeSpan.Zero), trigger, alertAt));
    }

    /// <summary>Adds a key due at an instant (a tick on the interval's boundary, which every cluster of that interval shares).</summary>
    public void AddAt(ClusterRef key, Trigger trigger, DateTimeOffset due) => Enqueue([key], new Entry(due, trigger, null));

    private void Enqueue(IEnumerable<ClusterRef> keys, Entry entry)
    {
        TaskCompletionSource wake;
        using (_lock.EnterScope())
        {
            foreach (var key in keys)
            {
                var target = _processing.Contains(key) ? _dirty : _queued;
                target[key] = target.TryGetValue(key, out var existing) ? existing.Merge(entry) : entry;
            }

            wake = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    /// <summary>Waits until at least one key is due, then hands out every due key (in key order).</summary>
    public async Task<IReadOnlyList<WorkItem>> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            TimeSpan? wait;
            using (_lock.EnterScope())
            {
                var now = time.GetUtcNow();
                var due = _queued.Where(e => e.Value.Due <= now).OrderBy(e => e.Key).ToList();
                if (due.Count > 0)
                {
                    foreach (var (key, _) in due)
                    {
                        _queued.Remove(key);
                        _processing.Add(key);
                    }

                    return due.Select(e => new WorkItem(e.Key, e.Value.Triggers, e.Value.AlertAt)).ToList();
                }

                changed = _changed.Task;
                wait = _queued.Count == 0 ? null : _queued.Values.Min(e => e.Due) - now;
            }

            if (wait is { } delay)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var timer = Task.Delay(delay, time, timeout.Token);
                await Task.WhenAny(changed, timer);
                await timeout.CancelAsync();
            }
            else
            {
                await changed.WaitAsync(cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The worker is finished with a key; an add that came meanwhile is queued now.</summary>
    public void Done(ClusterRef key)
    {
        TaskCompletionSource? wake = null;
        using (_lock.EnterScope())
        {
            _processing.Remove(key);
            if (_dirty.Remove(key, out var pending))
            {
                _queued[key] = _queued.TryGetValue(key, out var existing) ? existing.Merge(pending) : pending;
                wake = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        wake?.TrySetResult();
    }

    private readonly record struct Entry(DateTimeOffset Due, Trigger Triggers, DateTimeOffset? AlertAt)
    {
        public Entry Merge(Entry other) => new(
            other.Due < Due ? other.Due : Due,
            Triggers | other.Triggers,
            AlertAt is { } a && other.AlertAt is { } b ? (a < b ? a : b) : AlertAt ?? other.AlertAt);
    }
}
