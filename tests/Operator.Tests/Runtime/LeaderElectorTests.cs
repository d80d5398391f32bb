using Microsoft.Extensions.Logging.Abstractions;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Runtime;
using RwAutoscaler.TestKit;
using RwAutoscaler.TestKit.FakeKube;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Runtime;

/// <summary>client-go tools/leaderelection against the fake API server's Leases (kubernetes-api-contract §1.14).</summary>
public sealed class LeaderElectorTests : IAsyncLifetime
{
    private FakeApiServer server = null!;

    public async Task InitializeAsync() => server = await FakeApiServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task A_held_lease_is_taken_over_only_after_it_expires_by_the_local_clock()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var client = server.CreateClient();
        var a = Elector(client, "a", clock);
        var b = Elector(client, "b", clock);

        Assert.True(await a.TryAcquireOrRenewAsync(default));
        Assert.False(await b.TryAcquireOrRenewAsync(default));
        clock.Advance(TimeSpan.FromSeconds(14));
        Assert.False(await b.TryAcquireOrRenewAsync(default));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await b.TryAcquireOrRenewAsync(default));

        var lease = await client.Resource<Lease>().GetAsync("default", "rw-operator");
        Assert.Equal(("b", 1, 15), (lease.Spec!.HolderIdentity, lease.Spec.LeaseTransitions, lease.Spec.LeaseDurationSeconds));
        Assert.False(await a.TryAcquireOrRenewAsync(default));
    }

    [Fact]
    public async Task The_holder_renews_and_keeps_acquire_time_and_transitions()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var client = server.CreateClient();
        var a = Elector(client, "a", clock);
        Assert.True(await a.TryAcquireOrRenewAsync(default));
        var acquired = (await client.Resource<Lease>().GetAsync("default", "rw-operator")).Spec!;

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await a.TryAcquireOrRenewAsync(default));

        var renewed = (await client.Resource<Lease>().GetAsync("default", "rw-operator")).Spec!;
        Assert.Equal(acquired.AcquireTime, renewed.AcquireTime);
        Assert.Equal(0, renewed.LeaseTransitions);
        Assert.Equal(acquired.RenewTime!.Value + TimeSpan.FromSeconds(2), renewed.RenewTime);
    }

    [Fact]
    public async Task Only_one_runs_the_work_and_the_other_takes_over_when_it_stops()
    {
        using var client = server.CreateClient();
        var options = Fast();
        var a = new LeaderElector(client, options with { Identity = "a" }, TimeProvider.System, NullLogger<LeaderElector>.Instance);
        var b = new LeaderElector(client, options with { Identity = "b" }, TimeProvider.System, NullLogger<LeaderElector>.Instance);
        var leading = new List<string>();
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var aLeads = new TaskCompletionSource();
        var bLeads = new TaskCompletionSource();

        var runA = a.RunAsync(async ct => { lock (leading) { leading.Add("a"); } aLeads.SetResult(); await Task.Delay(Timeout.Infinite, ct); }, stopA.Token);
        await aLeads.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var runB = b.RunAsync(async ct => { lock (leading) { leading.Add("b"); } bLeads.SetResult(); await Task.Delay(Timeout.Infinite, ct); }, stopB.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        Assert.Equal(["a"], leading);

        await stopA.CancelAsync();
        Assert.False(await runA.WaitAsync(TimeSpan.FromSeconds(10)));
        await bLeads.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["a", "b"], leading);
        await stopB.CancelAsync();
        Assert.False(await runB.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("", (await client.Resource<Lease>().GetAsync("default", "rw-operator")).Spec!.HolderIdentity);
    }

    [Fact]
    public async Task Failing_renewals_lose_the_lease_and_stop_the_work()
    {
        using var client = server.CreateClient(new RwAutoscaler.Kube.Client.KubeClientOptions { MaxRetries = 0 });
        var elector = new LeaderElector(client, Fast() with { Identity = "a" }, TimeProvider.System, NullLogger<LeaderElector>.Instance);
        var started = new TaskCompletionSource();
        var workStopped = false;

        var run = elector.RunAsync(async ct =>
        {
            started.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                workStopped = true;
            }
        }, default);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using var outage = server.Faults.Add(FaultRule.Respond(503) with { PathContains = "/leases/" });

        Assert.True(await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(workStopped);
    }

    private static LeaderElector Elector(Kube.Client.KubernetesClient client, string identity, TimeProvider clock) =>
        new(client, new LeaderElectionOptions { Namespace = "default", Identity = identity }, clock, NullLogger<LeaderElector>.Instance);

    private static LeaderElectionOptions Fast() => new()
    {
        Namespace = "default",
        LeaseDuration = TimeSpan.FromSeconds(1),
        RenewDeadline = TimeSpan.FromMilliseconds(800),
        RetryPeriod = TimeSpan.FromMilliseconds(100),
    };
}
