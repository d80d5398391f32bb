namespace RwAutoscaler.Operator.Runtime;

/// <summary>
/// client-go's work queue: a key is queued at most once however often it is added, is never handed to
/// two workers at once (added while processing, it is queued again when <see cref="Done"/>), and failed
/// keys come back after a per-key exponential backoff (5 ms doubling up to <see cref="MaxBackoff"/>).
/// </summary>
internal sealed class WorkQueue<T>(TimeProvider time) : IDisposable
    where T : notnull
{
    private readonly Lock gate = new();
    private readonly Queue<T> queue = new();
    private readonly HashSet<T> dirty = [];
    private readonly HashSet<T> processing = [];
    private readonly Dictionary<T, int> failures = [];
    private readonly SemaphoreSlim ready = new(0);
    private readonly List<ITimer> timers = [];

    public static TimeSpan BaseBackoff { get; } = TimeSpan.FromMilliseconds(5);

    public static TimeSpan MaxBackoff { get; } = TimeSpan.FromMinutes(5);

    public int Depth
    {
        get
        {
            lock (gate)
            {
                return queue.Count;
            }
        }
    }

    public void Add(T item)
    {
        lock (gate)
        {
            if (!dirty.Add(item) || processing.Contains(item))
            {
                return;
            }

            queue.Enqueue(item);
        }

        ready.Release();
    }

    public void AddAfter(T item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(item);
            return;
        }

        ITimer? timer = null;
        timer = time.CreateTimer(_ =>
        {
            Add(item);
            lock (gate)
            {
                timers.Remove(timer!);
            }

            timer!.Dispose();
        }, null, delay, Timeout.InfiniteTimeSpan);
        lock (gate)
        {
            timers.Add(timer);
        }
    }

    /// <summary>Adds the key again after its backoff, which doubles with each failure until <see cref="Forget"/>.</summary>
    public void AddRateLimited(T item)
    {
        int count;
        lock (gate)
        {
            count = failures[item] = failures.GetValueOrDefault(item) + 1;
        }

        var delay = TimeSpan.FromTicks((long)Math.Min(MaxBackoff.Ticks, BaseBackoff.Ticks * Math.Pow(2, count - 1)));
        AddAfter(item, delay);
    }

    /// <summary>The key succeeded: its backoff starts from the beginning next time.</summary>
    public void Forget(T item)
    {
        lock (gate)
        {
            failures.Remove(item);
        }
    }

    public async Task<T> TakeAsync(CancellationToken cancellationToken)
    {
        await ready.WaitAsync(cancellationToken);
        lock (gate)
        {
            var item = queue.Dequeue();
            dirty.Remove(item);
            processing.Add(item);
            return item;
        }
    }

    public void Done(T item)
    {
        bool requeue;
        lock (gate)
        {
            processing.Remove(item);
            requeue = dirty.Contains(item);
            if (requeue)
            {
                queue.Enqueue(item);
            }
        }

        if (requeue)
        {
            ready.Release();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var timer in timers)
            {
                timer.Dispose();
            }

            timers.Clear();
        }

        ready.Dispose();
    }
}
