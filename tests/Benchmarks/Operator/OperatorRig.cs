using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Events;
using RwAutoscaler.Operator.Reconciliation;
using RwAutoscaler.Operator.Runtime;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Benchmarks.Operator;

/// <summary>
/// The operator's controller (informers, work queue, 4 workers, reconciler), as the host wires it, against a
/// fake API server, with every HTTP request it sends counted by method.
/// </summary>
internal sealed class OperatorRig : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly Task running;

    public OperatorRig(FakeApiServer server, TimeSpan resyncPeriod)
    {
        var config = server.ClientConfig();
        Requests = new CountingHandler();
        Client = new KubernetesClient(config, new KubeClientOptions { UserAgent = "rw-operator-benchmark" }, [Requests]);
        Metrics = new OperatorMetrics(global::Prometheus.Metrics.NewCustomRegistry());
        Caches = new OperatorCaches(Client, NullLoggerFactory.Instance);
        var events = new EventRecorder(Client, new EventRecorderOptions { ReportingController = "rwautoscaler.dev/rw-operator", ReportingInstance = "benchmark" });
        var reconciler = new RisingWaveReconciler(new ReconcilerServices(
            Client, Caches, new ObjectSync(Client, Caches, Metrics), events, Metrics, TimeProvider.System, NullLogger.Instance, new ReconcilerOptions()));
        Controller = new RisingWaveController(Caches, reconciler, Metrics, TimeProvider.System, NullLogger<RisingWaveController>.Instance,
            new ControllerOptions { Workers = 4, ResyncPeriod = resyncPeriod });
        running = Task.WhenAll(Task.Run(() => Controller.RunAsync(stopping.Token)), Task.Run(() => events.RunAsync(stopping.Token)));
    }

    public CountingHandler Requests { get; }

    public KubernetesClient Client { get; }

    public OperatorMetrics Metrics { get; }

    public OperatorCaches Caches { get; }

    public RisingWaveController Controller { get; }

    public double Reconciles => Metrics.Reconciles.WithLabels("success").Value + Metrics.Reconciles.WithLabels("requeue").Value + Metrics.Reconciles.WithLabels("error").Value;

    /// <summary>Waits until <paramref name="done"/> holds, checking every 10 ms.</summary>
    public static async Task UntilAsync(Func<bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await running;
        Client.Dispose();
        stopping.Dispose();
    }

    /// <summary>Counts requests by method (a watch is one GET however long it stays open).</summary>
    internal sealed class CountingHandler : DelegatingHandler
    {
        private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);

        public long this[string method] => counts.GetValueOrDefault(method);

        public long Writes => this["POST"] + this["PUT"] + this["PATCH"] + this["DELETE"];

        public long Total => counts.Values.Sum();

        public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(counts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            counts.AddOrUpdate(request.Method.Method, 1, (_, n) => n + 1);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
