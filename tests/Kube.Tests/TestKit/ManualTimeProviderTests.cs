using RwAutoscaler.TestKit;

namespace RwAutoscaler.Kube.Tests.TestKit;

/// <summary>The manual clock the other test projects reuse.</summary>
public sealed class ManualTimeProviderTests
{
    [Fact]
    public async Task a_delay_completes_only_when_the_clock_passes_its_due_time()
    {
        var clock = new ManualTimeProvider();
        var delay = Task.Delay(TimeSpan.FromSeconds(10), clock);
        await clock.WaitForTimersAsync(1);
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(delay.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, clock.ActiveTimers);
    }

    [Fact]
    public void timers_fire_in_due_order_at_their_own_time_and_periodic_ones_repeat()
    {
        var clock = new ManualTimeProvider();
        var start = clock.GetUtcNow();
        var fired = new List<(string Name, TimeSpan At)>();
        using var periodic = clock.CreateTimer(_ => fired.Add(("every-3s", clock.GetUtcNow() - start)), null, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3));
        using var once = clock.CreateTimer(_ => fired.Add(("once-4s", clock.GetUtcNow() - start)), null, TimeSpan.FromSeconds(4), Timeout.InfiniteTimeSpan);
        clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(
            [("every-3s", TimeSpan.FromSeconds(3)), ("once-4s", TimeSpan.FromSeconds(4)), ("every-3s", TimeSpan.FromSeconds(6))],
            fired);
        Assert.Equal(start + TimeSpan.FromSeconds(7), clock.GetUtcNow());
    }

    [Fact]
    public void a_disposed_or_changed_timer_does_not_fire()
    {
        var clock = new ManualTimeProvider();
        var count = 0;
        var timer = clock.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        clock.Advance(TimeSpan.FromSeconds(2));
        timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        timer.Dispose();
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, count);
    }

    [Fact]
    public void the_clock_never_goes_back()
    {
        var clock = new ManualTimeProvider();
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.SetUtcNow(clock.GetUtcNow().AddTicks(-1)));
    }
}
