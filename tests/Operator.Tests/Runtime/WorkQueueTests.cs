using RwAutoscaler.Operator.Runtime;
using RwAutoscaler.TestKit;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Runtime;

/// <summary>client-go util/workqueue semantics: dedup, one worker per key, requeue after Done, backoff.</summary>
public sealed class WorkQueueTests
{
    private readonly ManualTimeProvider clock = new();

    [Fact]
    public async Task A_key_added_many_times_is_taken_once()
    {
        using var queue = new WorkQueue<string>(clock);
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        Assert.Equal(2, queue.Depth);
        Assert.Equal("a", await queue.TakeAsync(default));
        Assert.Equal("b", await queue.TakeAsync(default));
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public async Task A_key_added_while_being_processed_comes_back_only_after_Done()
    {
        using var queue = new WorkQueue<string>(clock);
        queue.Add("a");
        var key = await queue.TakeAsync(default);

        queue.Add("a");
        Assert.Equal(0, queue.Depth);
        var next = queue.TakeAsync(default);
        Assert.False(next.IsCompleted);

        queue.Done(key);
        Assert.Equal("a", await next.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Failures_back_off_exponentially_until_forgotten()
    {
        using var queue = new WorkQueue<string>(clock);
        foreach (var expected in new[] { 5, 10, 20 })
        {
            queue.AddRateLimited("a");
            clock.Advance(TimeSpan.FromMilliseconds(expected - 1));
            Assert.Equal(0, queue.Depth);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, queue.Depth);
            queue.Done(await queue.TakeAsync(default));
        }

        queue.Forget("a");
        queue.AddRateLimited("a");
        clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, queue.Depth);
    }

    [Fact]
    public void AddAfter_waits_for_the_injected_clock()
    {
        using var queue = new WorkQueue<string>(clock);
        queue.AddAfter("a", TimeSpan.FromMinutes(10));

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, queue.Depth);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, queue.Depth);
    }
}
