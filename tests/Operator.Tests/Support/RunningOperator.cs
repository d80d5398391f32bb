using Microsoft.AspNetCore.Builder;
using RwAutoscaler.Operator.Hosting;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Operator.Tests.Support;

/// <summary>The operator process as it runs in a cluster (host, leader election, watches, workers, HTTP), in-process against a fake API server.</summary>
internal sealed class RunningOperator : IAsyncDisposable
{
    private readonly WebApplication app;

    private RunningOperator(WebApplication app, StringWriter logs)
    {
        this.app = app;
        Logs = logs;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public StringWriter Logs { get; }

    public HttpClient Http { get; }

    public static async Task<RunningOperator> StartAsync(FakeApiServer server, bool leaderElection = true)
    {
        var logs = new StringWriter();
        var app = OperatorHost.Build(new OperatorSettings
        {
            Kube = server.ClientConfig(),
            Listen = "http://127.0.0.1:0",
            LeaderElection = leaderElection,
            LeaseNamespace = "default",
        }, logs);
        await app.StartAsync();
        return new RunningOperator(app, logs);
    }

    /// <summary>Polls until <paramref name="condition"/> holds (the operator works on its own schedule).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
