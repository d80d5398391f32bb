using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Reactions;
using RwAutoscaler.TestKit;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Reactions;

/// <summary>The composition primitives and decorators of the seed design (ctrlkit in the upstream operator).</summary>
public sealed class ReactionTests
{
    private readonly List<string> log = [];

    [Fact]
    public async Task Sequential_stops_at_the_first_reaction_that_does_not_continue()
    {
        var result = await React.Sequential(Record("a"), React.Barrier("not yet", () => false), Record("b")).RunAsync(ReactionContext.First, default);

        Assert.Equal(["a"], log);
        Assert.False(result.Continue);
        Assert.Equal("not yet", result.Reason);
    }

    [Fact]
    public async Task Sequential_stops_at_a_failure()
    {
        var sequence = React.Sequential(Record("a"), Fail("boom"), Record("b"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => sequence.RunAsync(ReactionContext.First, default));
        Assert.Equal(["a", "boom"], log);
    }

    [Fact]
    public async Task Join_runs_everything_in_order_whatever_the_others_do_then_reports_all_failures()
    {
        var join = React.Join(Record("a"), Fail("x"), React.Barrier("wait", () => false), Record("b"), Fail("y"));

        var error = await Assert.ThrowsAsync<AggregateException>(() => join.RunAsync(ReactionContext.First, default));

        Assert.Equal(["a", "x", "b", "y"], log);
        Assert.Equal(["x", "y"], error.InnerExceptions.Select(e => e.Message));
    }

    [Fact]
    public async Task Join_continues_only_if_all_continue_and_keeps_the_earliest_requeue()
    {
        var join = React.Join(
            React.Action("later", (_, _) => Task.FromResult(ReactionResult.Exit("later", TimeSpan.FromSeconds(30)))),
            React.Action("sooner", (_, _) => Task.FromResult(ReactionResult.Exit("sooner", TimeSpan.FromSeconds(5)))),
            Record("a"));

        var result = await join.RunAsync(ReactionContext.First, default);

        Assert.False(result.Continue);
        Assert.Equal(TimeSpan.FromSeconds(5), result.RequeueAfter);
        Assert.Equal("later; sooner", result.Reason);
        Assert.True((await React.Join(Record("b"), Record("c")).RunAsync(ReactionContext.First, default)).Continue);
    }

    [Fact]
    public async Task Parallel_members_of_a_join_run_at_the_same_time()
    {
        var started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Reaction Waiter(string name) => React.Action(name, async (_, ct) =>
        {
            if (Interlocked.Increment(ref started) == 3)
            {
                allStarted.SetResult();
            }

            // Each waits for all three: run one after another, this would never finish.
            await allStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
            return ReactionResult.Next;
        });

        var result = await React.ParallelJoin([Waiter("a"), Waiter("b"), Waiter("c")]).RunAsync(ReactionContext.First, default);

        Assert.True(result.Continue);
    }

    [Fact]
    public async Task Shared_runs_once_for_every_branch_that_includes_it()
    {
        var runs = 0;
        var shared = React.Shared(React.Action("sync", async (_, _) =>
        {
            Interlocked.Increment(ref runs);
            await Task.Yield();
            return ReactionResult.Exit("not ready");
        }));

        var result = await React.Join(React.Sequential(shared, Record("after 1")), React.Parallel(shared), React.Parallel(React.Sequential(shared, Record("after 2")))).RunAsync(ReactionContext.First, default);

        Assert.Equal(1, runs);
        Assert.Empty(log);
        Assert.Equal("not ready", result.Reason);
    }

    [Fact]
    public async Task Timeout_fails_a_reaction_that_takes_too_long_by_the_injected_clock()
    {
        var clock = new ManualTimeProvider();
        var slow = React.Timeout(React.Action("slow", async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return ReactionResult.Next;
        }), TimeSpan.FromSeconds(30), clock);

        var run = slow.RunAsync(ReactionContext.First, default);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(run.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => run);
        Assert.Contains("slow did not finish within 00:00:30", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_lets_an_outer_cancellation_through_as_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        var reaction = React.Timeout(React.Action("slow", async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return ReactionResult.Next;
        }), TimeSpan.FromHours(1), TimeProvider.System);

        var run = reaction.RunAsync(ReactionContext.First, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task Retry_reruns_on_a_retryable_error_with_fresh_reads_and_gives_up_after_the_attempts()
    {
        var attempts = new List<(int Attempt, bool Fresh)>();
        var conflict = new KubeApiException(new k8s.Models.V1Status { Code = 409, Reason = "Conflict", Message = "the object has been modified" });
        var flaky = React.Retry(React.Action("update", (context, _) =>
        {
            attempts.Add((context.Attempt, context.ReadFresh));
            return attempts.Count < 3 ? throw conflict : Task.FromResult(ReactionResult.Next);
        }), attempts: 4, TimeSpan.Zero, e => e is KubeApiException { IsConflict: true }, TimeProvider.System);

        Assert.True((await flaky.RunAsync(ReactionContext.First, default)).Continue);
        Assert.Equal([(0, false), (1, true), (2, true)], attempts);

        attempts.Clear();
        var hopeless = React.Retry(React.Action("update", (context, _) =>
        {
            attempts.Add((context.Attempt, context.ReadFresh));
            throw conflict;
        }), attempts: 3, TimeSpan.Zero, e => e is KubeApiException { IsConflict: true }, TimeProvider.System);
        await Assert.ThrowsAsync<KubeApiException>(() => hopeless.RunAsync(ReactionContext.First, default));
        Assert.Equal(3, attempts.Count);
    }

    [Fact]
    public async Task Retry_does_not_rerun_other_errors()
    {
        var runs = 0;
        var reaction = React.Retry(React.Action("x", (_, _) =>
        {
            runs++;
            throw new InvalidOperationException("not a conflict");
        }), attempts: 5, TimeSpan.Zero, e => e is KubeApiException, TimeProvider.System);

        await Assert.ThrowsAsync<InvalidOperationException>(() => reaction.RunAsync(ReactionContext.First, default));
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Decorators_do_not_change_what_the_reaction_means()
    {
        // The same barrier, bare and decorated, gives the same result.
        var open = false;
        Reaction Barrier() => React.Barrier("gate", () => open);
        Reaction Decorated() => React.Shared(React.Retry(React.Timeout(React.Parallel(Barrier()), TimeSpan.FromMinutes(1), TimeProvider.System), 3, TimeSpan.Zero, _ => true, TimeProvider.System));

        Assert.Equal(await Barrier().RunAsync(ReactionContext.First, default), await Decorated().RunAsync(ReactionContext.First, default));
        open = true;
        Assert.Equal(await Barrier().RunAsync(ReactionContext.First, default), await Decorated().RunAsync(ReactionContext.First, default));
    }

    private Reaction Record(string name) => React.Step(name, () =>
    {
        lock (log)
        {
            log.Add(name);
        }
    });

    private Reaction Fail(string message) => React.Action(message, (_, _) =>
    {
        lock (log)
        {
            log.Add(message);
        }

        throw new InvalidOperationException(message);
    });
}
