namespace RwAutoscaler.TestKit;

/// <summary>
/// A clock that moves only when told to (Microsoft.Extensions.TimeProvider.Testing is not on our
/// mirror). Timers, and so Task.Delay(..., provider), fire inside <see cref="Advance"/>, in due-time
/// order. <see cref="WaitForTimersAsync"/> lets a test wait until the code under test has parked on
/// its timers before advancing again, so tests step through time without sleeping.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object gate = new();
    private readonly List<ManualTimer> timers = [];
    private DateTimeOffset now;
    private long sequence;

    public ManualTimeProvider()
        : this(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public ManualTimeProvider(DateTimeOffset start) => now = start;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Timers currently armed (each pending Task.Delay is one).</summary>
    public int ActiveTimers
    {
        get
        {
            lock (gate)
            {
                return timers.Count(t => t.DueAt is not null);
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, at its own due time.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (gate)
        {
            target = now + delta;
        }
        while (true)
        {
            ManualTimer? next;
            lock (gate)
            {
                next = timers.Where(t => t.DueAt <= target).OrderBy(t => t.DueAt).ThenBy(t => t.Sequence).FirstOrDefault();
                if (next is null)
                {
                    now = target;
                    return;
                }
                now = next.DueAt!.Value;
                next.Rearm(now);
            }
            next.Fire();
        }
    }

    public void SetUtcNow(DateTimeOffset value)
    {
        var delta = value - GetUtcNow();
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero, nameof(value));
        Advance(delta);
    }

    /// <summary>Waits (for real, up to <paramref name="timeout"/>) until at least <paramref name="count"/> timers are armed.</summary>
    public async Task WaitForTimersAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (ActiveTimers < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"expected {count} armed timers, found {ActiveTimers}");
            }
            await Task.Delay(1);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        lock (gate)
        {
            timers.Add(timer);
        }
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset? DueAt { get; private set; }

        public long Sequence { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var fireNow = false;
            lock (owner.gate)
            {
                if (!owner.timers.Contains(this))
                {
                    return false;
                }
                this.period = period;
                Sequence = ++owner.sequence;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    DueAt = null;
                }
                else if (dueTime <= TimeSpan.Zero)
                {
                    DueAt = null;
                    fireNow = true;
                }
                else
                {
                    DueAt = owner.now + dueTime;
                }
            }
            if (fireNow)
            {
                lock (owner.gate)
                {
                    Rearm(owner.now);
                }
                Fire();
            }
            return true;
        }

        /// <summary>Called under the owner's lock when the timer fires: periodic timers re-arm, one-shot ones disarm.</summary>
        public void Rearm(DateTimeOffset firedAt) =>
            DueAt = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? null : firedAt + period;

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner.gate)
            {
                owner.timers.Remove(this);
                DueAt = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
