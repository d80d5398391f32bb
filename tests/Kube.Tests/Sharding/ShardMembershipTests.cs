using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Kube.Sharding;
using RwAutoscaler.TestKit;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Kube.Tests.Sharding;

/// <summary>
/// Three replicas on membership Leases in the fake, stepped on a manual clock: every 100 ms, every key has at most
/// one owner; after a join every key has exactly one; a replica that cannot renew stops owning before the others
/// take its keys; a replica that stops gives its keys back at once.
/// </summary>
public sealed class ShardMembershipTests : FakeServerTest
{
    private static readonly string[] Keys = [.. Enumerable.Range(0, 60).Select(i => $"tenant-{i % 7}/rw-{i}")];
    private readonly ManualTimeProvider clock = new();
    private readonly List<Member> members = [];

    [Fact]
    public async Task Keys_spread_over_the_members_and_a_member_that_cannot_renew_hands_over_without_two_owners()
    {
        var a = Join("replica-a");
        var b = Join("replica-b");
        var c = Join("replica-c");
        await StepUntilAsync(() => Keys.All(k => Owners(k) == 1), TimeSpan.FromSeconds(40));
        Assert.All(members, m => Assert.InRange(Keys.Count(k => m.Membership.Owns(k)), 10, 30));
        Assert.Equal(3, a.Membership.Ring.Members.Count);

        // B's renewals are refused; the others are unaffected.
        using var fault = Server.Faults.Add(FaultRule.Respond(403) with
        {
            Verb = "patch", PathContains = "/leases/", When = r => r.Headers.UserAgent.ToString().Contains("replica-b", StringComparison.Ordinal),
        });
        await StepUntilAsync(() => b.Run.IsCompleted && Keys.All(k => Owners(k) == 1), TimeSpan.FromSeconds(40));
        Assert.True(await b.Run, "B reports that it lost its membership");
        Assert.Equal(["replica-a", "replica-c"], a.Membership.Ring.Members);

        // C stops: it deletes its Lease, and A takes every key.
        await c.Stop.CancelAsync();
        await StepUntilAsync(() => Keys.All(k => a.Membership.Owns(k)), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(Server.ListObjects(ResourceType.Leases, "default"), l => (string?)l["spec"]!["holderIdentity"] == "replica-c");
        await a.Stop.CancelAsync();
    }

    [Fact]
    public async Task A_member_whose_proof_ran_out_between_two_renewals_raises_Changed_when_it_may_act_again()
    {
        var a = Join("replica-a");
        await StepUntilAsync(() => Keys.All(k => a.Membership.Owns(k)), TimeSpan.FromSeconds(40));
        var changes = 0;
        a.Membership.Changed += () => Interlocked.Increment(ref changes);

        // A late loop (a starved thread pool): the renew deadline passes before the next renewal answers.
        using (Server.Faults.Add(FaultRule.Delay(TimeSpan.FromMilliseconds(500)) with { Verb = "patch", PathContains = "/leases/" }))
        {
            await SettleAsync();
            clock.Advance(a.Membership.Config.RenewDeadline);
            Assert.False(a.Membership.Owns(Keys[0]), "no proof, no owner");
            Assert.Equal(["replica-a"], a.Membership.Ring.Members);
            await WaitAsync(() => a.Membership.Owns(Keys[0]));
        }

        // The members never changed, yet the owner that refused the key must hear that it may act on it again.
        await WaitAsync(() => Volatile.Read(ref changes) == 1);
        Assert.False(a.Run.IsCompleted, "a renewal that answered in time keeps the membership");
        await a.Stop.CancelAsync();
    }

    private static async Task WaitAsync(Func<bool> done)
    {
        var end = DateTime.UtcNow.AddSeconds(10);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < end, "not within 10 s");
            await Task.Delay(10);
        }
    }

    private int Owners(string key) => members.Count(m => m.Membership.Owns(key));

    private Member Join(string name)
    {
        var client = Server.CreateClient(new KubeClientOptions { UserAgent = name, MaxRetries = 0 });
        var membership = new ShardMembership(client, new ShardMembershipConfig { Group = "rwautoscaler", Namespace = "default", Identity = name }, clock);
        var member = new Member(membership, new CancellationTokenSource());
        member.Run = membership.RunAsync(member.Stop.Token);
        members.Add(member);
        return member;
    }

    private async Task StepUntilAsync(Func<bool> done, TimeSpan limit)
    {
        var end = clock.GetUtcNow() + limit;
        while (!done())
        {
            Assert.True(clock.GetUtcNow() < end, $"not done within {limit} of simulated time");
            await SettleAsync();
            Assert.All(Keys, k => Assert.True(Owners(k) <= 1, $"{k} has two owners at {clock.GetUtcNow():O}"));
            clock.Advance(TimeSpan.FromMilliseconds(100));
            Assert.All(Keys, k => Assert.True(Owners(k) <= 1, $"{k} has two owners at {clock.GetUtcNow():O}"));
        }
    }

    // Until every running member waits on its timer (or 200 ms passed).
    private async Task SettleAsync()
    {
        var settle = DateTime.UtcNow.AddMilliseconds(200);
        do
        {
            await Task.Delay(1);
        }
        while (clock.ActiveTimers < members.Count(m => !m.Run.IsCompleted) && DateTime.UtcNow < settle);
    }

    private sealed class Member(ShardMembership membership, CancellationTokenSource stop)
    {
        public ShardMembership Membership => membership;

        public CancellationTokenSource Stop => stop;

        public Task<bool> Run { get; set; } = Task.FromResult(false);
    }
}
