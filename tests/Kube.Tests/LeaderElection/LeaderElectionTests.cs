using k8s.Models;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.LeaderElection;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Kube.Tests.LeaderElection;

/// <summary>
/// Leader election on a V1Lease in the fake server, stepped with a manual clock: after each step the
/// test waits until every running candidate is parked on its timer, so no wall-clock time matters.
/// </summary>
public sealed class LeaderElectionTests : FakeServerTest
{
    private readonly ManualTimeProvider clock = new();
    private readonly List<Candidate> candidates = [];

    private sealed class Candidate(string name, LeaderElector elector, KubernetesClient client)
    {
        public string Name => name;

        public LeaderElector Elector => elector;

        public KubernetesClient Client => client;

        public Task<bool>? Run { get; set; }

        public CancellationTokenSource Stop { get; } = new();

        public DateTimeOffset? Started { get; set; }

        public DateTimeOffset? Ended { get; set; }

        public bool Leading => Started is not null && Ended is null;
    }

    private Candidate Start(string name)
    {
        var client = Server.CreateClient(new KubeClientOptions { UserAgent = name, MaxRetries = 0 });
        var elector = new LeaderElector(new k8s.LeaderElection.ResourceLock.LeaseLock(client.Api, "default", "rw-autoscaler", name), new LeaderElectionConfig { Identity = name }, clock);
        var candidate = new Candidate(name, elector, client);
        candidate.Run = elector.RunAsync(
            async leading =>
            {
                candidate.Started = clock.GetUtcNow();
                try
                {
                    await Task.Delay(Timeout.Infinite, leading);
                }
                finally
                {
                    candidate.Ended = clock.GetUtcNow();
                }
            },
            candidate.Stop.Token);
        candidates.Add(candidate);
        return candidate;
    }

    /// <summary>Advances the clock in small steps, checking after each that at most one candidate leads.</summary>
    private async Task StepUntilAsync(Func<bool> done, TimeSpan limit)
    {
        var end = clock.GetUtcNow() + limit;
        while (!done())
        {
            Assert.True(clock.GetUtcNow() < end, $"not done within {limit} of simulated time");
            await ParkedAsync();
            Assert.True(candidates.Count(c => c.Leading) <= 1, "two candidates lead at once");
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        await ParkedAsync();
    }

    private async Task ParkedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        // Parked: every running candidate waits on its retry timer, and a leader also holds its proof-of-leadership timer.
        // A candidate that has just won the lease holds both timers before its leader-only work has started (that runs
        // on the thread pool), so it also has to agree with its elector: advancing the clock in between would spend
        // simulated seconds in a hot loop while the pool is busy.
        while (candidates.Any(c => !c.Run!.IsCompleted && c.Elector.IsLeader != c.Leading)
            || clock.ActiveTimers < candidates.Count(c => !c.Run!.IsCompleted) + candidates.Count(c => c.Leading && !c.Run!.IsCompleted))
        {
            Assert.True(DateTime.UtcNow < deadline, "candidates did not settle");
            await Task.Delay(1);
        }
    }

    // client-go defaults (leaderelection.go; controller-runtime internal.go): 15 s lease, 10 s renew deadline, 2 s retry.
    [Fact]
    public void the_defaults_are_client_go_defaults()
    {
        var config = new LeaderElectionConfig { Identity = "x" };
        Assert.Equal((15, 10, 2), ((int)config.LeaseDuration.TotalSeconds, (int)config.RenewDeadline.TotalSeconds, (int)config.RetryPeriod.TotalSeconds));
        Assert.Throws<ArgumentException>(() => (config with { RenewDeadline = TimeSpan.FromSeconds(2) }).Validate());
    }

    // The test: the holder stops renewing; the other candidate takes over within the lease duration
    // (counted from the last renewal, plus the retry granularity), never before it, and never while the old
    // leader still leads: the old one gives up after RenewDeadline (10 s) < LeaseDuration (15 s).
    [Fact]
    public async Task leadership_passes_within_the_lease_duration_when_the_holder_stops_renewing()
    {
        var a = Start("candidate-a");
        await StepUntilAsync(() => a.Leading, TimeSpan.FromSeconds(5));
        var b = Start("candidate-b");
        await StepUntilAsync(() => false || clock.GetUtcNow() > a.Started!.Value.AddSeconds(30), TimeSpan.FromSeconds(40));
        Assert.True(a.Leading);
        Assert.False(b.Leading);

        // A can no longer write its lease (its requests are refused); B is unaffected.
        using var fault = Server.Faults.Add(FaultRule.Respond(403) with
        {
            Verb = "update", PathContains = "/leases/", When = r => r.Headers.UserAgent.ToString().Contains("candidate-a", StringComparison.Ordinal),
        });
        var lastRenew = (await a.Client.Builtin<V1Lease>().GetAsync("default", "rw-autoscaler")).Spec!.RenewTime!.Value;
        await StepUntilAsync(() => b.Leading, TimeSpan.FromSeconds(40));

        Assert.True(await a.Run!, "A should report lost leadership");
        Assert.True(a.Ended <= b.Started, $"A led until {a.Ended}, B from {b.Started}");
        var handover = b.Started!.Value - lastRenew;
        var config = b.Elector.Config;
        Assert.True(handover >= config.LeaseDuration, $"B took over {handover} after the last renewal, before the lease expired");
        Assert.True(handover <= config.LeaseDuration + (2 * config.RetryPeriod * (1 + LeaderElectionConfig.JitterFactor)), $"handover took {handover}");
        var lease = await b.Client.Builtin<V1Lease>().GetAsync("default", "rw-autoscaler");
        Assert.Equal(("candidate-b", 1), (lease.Spec!.HolderIdentity, lease.Spec.LeaseTransitions));
        await b.Stop.CancelAsync();
        await StepUntilAsync(() => b.Run!.IsCompleted, TimeSpan.FromSeconds(5));
    }

    // Several candidates racing for the same lease: the 409 on the conditional update leaves one winner,
    // and a leader that is stopped releases the lease so a successor takes over without waiting it out.
    [Fact]
    public async Task racing_candidates_never_lead_together_and_a_release_hands_over_at_once()
    {
        var all = new[] { Start("c1"), Start("c2"), Start("c3") };
        await StepUntilAsync(() => all.Count(c => c.Leading) == 1, TimeSpan.FromSeconds(10));
        await StepUntilAsync(() => false || clock.GetUtcNow() > all.Single(c => c.Leading).Started!.Value.AddMinutes(1), TimeSpan.FromMinutes(2));
        var leader = all.Single(c => c.Leading);
        await leader.Stop.CancelAsync();
        Assert.False(await leader.Run!);
        var released = clock.GetUtcNow();
        await StepUntilAsync(() => all.Any(c => c != leader && c.Leading), TimeSpan.FromSeconds(10));
        var next = all.Single(c => c.Leading);
        Assert.True(next.Started!.Value - released <= next.Elector.Config.RetryPeriod * (1 + LeaderElectionConfig.JitterFactor) + TimeSpan.FromMilliseconds(100));
        foreach (var c in all)
        {
            await c.Stop.CancelAsync();
        }
        await StepUntilAsync(() => all.All(c => c.Run!.IsCompleted), TimeSpan.FromSeconds(5));
    }
}
