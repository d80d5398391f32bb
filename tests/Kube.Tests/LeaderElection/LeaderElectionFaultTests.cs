using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.LeaderElection;
using RwAutoscaler.TestKit;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Kube.Tests.LeaderElection;

/// <summary>
/// Issue 14's first fault: the API server misbehaves for the leader only (a hang, 429 with a long Retry-After,
/// 503, a reset). At every 100 ms of a manual clock at most one candidate acts (its leader-only token is live),
/// the leader stops acting by itself, and the other candidate takes over.
/// </summary>
public sealed class LeaderElectionFaultTests : FakeServerTest
{
    private readonly ManualTimeProvider clock = new();
    private readonly List<string> log = [];

    public static TheoryData<string> Faults => ["hang", "429", "503", "reset"];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task a_leader_whose_api_calls_fail_or_hang_stops_acting_before_anyone_else_can_lead(string fault)
    {
        var a = Start("candidate-a");
        var b = default(Runner);
        await StepUntilAsync(() => a.Acting, [a], TimeSpan.FromSeconds(5));
        b = Start("candidate-b");
        await StepUntilAsync(() => clock.GetUtcNow() > a.Started!.Value.AddSeconds(20), [a, b], TimeSpan.FromSeconds(30));
        Assert.True(a.Acting);

        var rule = fault switch
        {
            "hang" => FaultRule.Delay(TimeSpan.FromMinutes(10)),
            "429" => FaultRule.Respond(429, retryAfter: TimeSpan.FromMinutes(5)),
            "503" => FaultRule.Respond(503),
            _ => FaultRule.DropConnection(),
        };
        using var injected = Server.Faults.Add(rule with
        {
            PathContains = "/leases/",
            When = r => r.Headers.UserAgent.ToString().Contains("candidate-a", StringComparison.Ordinal),
        });
        await StepUntilAsync(() => b.Acting, [a, b], TimeSpan.FromSeconds(60));

        Assert.True(await a.Run.WaitAsync(TimeSpan.FromSeconds(30)), "A reports that it lost leadership");
        Assert.True(a.Stopped <= b.Started, $"A acted until {a.Stopped}, B from {b.Started}");
        await b.Stop.CancelAsync();
    }

    private Runner Start(string name)
    {
        // Default retries, on the manual clock: a 429's Retry-After and the 5xx backoff are waited in simulated time.
        var client = Server.CreateClient(new KubeClientOptions { UserAgent = name, TimeProvider = clock });
        var elector = new LeaderElector(
            new k8s.LeaderElection.ResourceLock.LeaseLock(client.Api, "default", "rw-autoscaler", name), new LeaderElectionConfig { Identity = name }, clock, new ListLogger(log));
        var runner = new Runner(client, elector);
        runner.Run = elector.RunAsync(
            async leading =>
            {
                runner.Token = leading;
                runner.Started = clock.GetUtcNow();
                leading.Register(() => runner.Stopped = clock.GetUtcNow());
                await Task.Delay(Timeout.Infinite, leading);
            },
            runner.Stop.Token);
        return runner;
    }

    /// <summary>
    /// Steps 100 ms at a time, after the candidates settle (or 30 ms of wall time, since a hung call never settles),
    /// asserting at every step that at most one candidate acts.
    /// </summary>
    private async Task StepUntilAsync(Func<bool> done, Runner[] runners, TimeSpan limit)
    {
        var end = clock.GetUtcNow() + limit;
        while (!done())
        {
            Assert.True(clock.GetUtcNow() < end, $"not done within {limit} of simulated time; {clock.ActiveTimers} timers, runs {string.Join(",", runners.Select(r => r.Run.Status))}; log: {string.Join(" | ", log)}");
            // Settled: a candidate that holds the lease has started its work, and every candidate waits on its timers
            // (a leader also on its proof of leadership). A hung call never settles: 30 ms of wall time then do.
            var settle = DateTime.UtcNow.AddMilliseconds(30);
            do
            {
                await Task.Delay(1);
            }
            while ((runners.Any(r => r.Elector.IsLeader && r.Token is null && !r.Run.IsCompleted)
                || clock.ActiveTimers < runners.Count(r => !r.Run.IsCompleted) + runners.Count(r => r.Elector.IsLeader && !r.Run.IsCompleted))
                && DateTime.UtcNow < settle);

            Assert.True(runners.Count(r => r.Acting) <= 1, $"two candidates act at once at {clock.GetUtcNow():O}");
            clock.Advance(TimeSpan.FromMilliseconds(100));
            Assert.True(runners.Count(r => r.Acting) <= 1, $"two candidates act at once at {clock.GetUtcNow():O}");
        }
    }

    private sealed class Runner(KubernetesClient client, LeaderElector elector) : IDisposable
    {
        public LeaderElector Elector => elector;

        public KubernetesClient Client => client;

        public Task<bool> Run { get; set; } = Task.FromResult(false);

        public CancellationTokenSource Stop { get; } = new();

        public CancellationToken? Token { get; set; }

        public DateTimeOffset? Started { get; set; }

        public DateTimeOffset? Stopped { get; set; }

        public bool Acting => Token is { IsCancellationRequested: false };

        public void Dispose()
        {
            Stop.Dispose();
            client.Dispose();
        }
    }

    private sealed class ListLogger(List<string> log) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (log)
            {
                log.Add(formatter(state, exception));
            }
        }
    }
}
