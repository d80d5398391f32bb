using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.LeaderElection;
using RwAutoscaler.TestKit;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Kube.Tests.LeaderElection;

public sealed class LeaderElectionServiceTests : FakeServerTest
{
    private readonly ManualTimeProvider clock = new();

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public bool StopRequested { get; private set; }

        public void StopApplication() => StopRequested = true;
    }

    private sealed class Work(Func<CancellationToken, Task> run) : ILeaderOnlyService
    {
        public Task RunAsync(CancellationToken cancellationToken) => run(cancellationToken);
    }

    private LeaderElector? elector;

    private LeaderElectionService Service(Lifetime lifetime, params ILeaderOnlyService[] work)
    {
        var client = Server.CreateClient(new KubeClientOptions { UserAgent = "me", MaxRetries = 0 });
        elector = new LeaderElector(new k8s.LeaderElection.ResourceLock.LeaseLock(client.Api, "default", "lock", "me"), new LeaderElectionConfig { Identity = "me" }, clock);
        return new LeaderElectionService(elector, work, lifetime, NullLogger<LeaderElectionService>.Instance);
    }

    /// <summary>Advances the clock 100 ms at a time, each time once the elector is parked on its timer (or finished).</summary>
    private async Task StepUntilAsync(LeaderElectionService service, Func<bool> done)
    {
        for (var i = 0; i < 400 && !done(); i++)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            // Parked: on the retry timer, plus the proof-of-leadership timer while leading.
            while (clock.ActiveTimers < (elector!.IsLeader ? 2 : 1) && !service.ExecuteTask!.IsCompleted && !done())
            {
                Assert.True(DateTime.UtcNow < deadline, "the elector did not settle");
                await Task.Delay(1);
            }
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        Assert.True(done());
    }

    // controller-runtime internal.go: losing the lease ends the process ("leader election lost"); leader-only work is cancelled first.
    [Fact]
    public async Task losing_the_lease_cancels_leader_only_work_and_stops_the_application()
    {
        var lifetime = new Lifetime();
        var cancelled = false;
        var started = false;
        using var service = Service(lifetime, new Work(async ct =>
        {
            started = true;
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                cancelled = true;
            }
        }));
        await service.StartAsync(CancellationToken.None);
        await StepUntilAsync(service, () => started);
        using var fault = Server.Faults.Add(FaultRule.Respond(403) with { Verb = "update", PathContains = "/leases/" });
        try
        {
            await StepUntilAsync(service, () => service.ExecuteTask!.IsCompleted);
            Assert.True(cancelled);
            Assert.True(lifetime.StopRequested);
            Assert.Equal(1, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = 0;
        }
    }

    // A crash of leader-only work is not swallowed: the service fails (and with it the host, by default).
    [Fact]
    public async Task a_failing_leader_only_service_fails_the_host_service()
    {
        var lifetime = new Lifetime();
        using var service = Service(lifetime, new Work(_ => throw new InvalidOperationException("reconciler bug")));
        await service.StartAsync(CancellationToken.None);
        await StepUntilAsync(service, () => service.ExecuteTask!.IsCompleted);
        Assert.Equal("reconciler bug", (await Assert.ThrowsAsync<InvalidOperationException>(() => service.ExecuteTask!)).Message);
        Assert.False(lifetime.StopRequested);
    }
}
