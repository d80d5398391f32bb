using RwAutoscaler.Kube.Events;
using RwAutoscaler.Kube.LeaderElection;
using RwAutoscaler.Operator.Runtime;

namespace RwAutoscaler.Operator.Hosting;

/// <summary>The controller, run by the leader only.</summary>
internal sealed class ControllerService(RisingWaveController controller, OperatorMetrics metrics) : ILeaderOnlyService
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        metrics.Leader.Set(1);
        try
        {
            await controller.RunAsync(cancellationToken);
        }
        finally
        {
            metrics.Leader.Set(0);
        }
    }
}

/// <summary>Sends the events the reconciles record; the leader is the only one that records any.</summary>
internal sealed class EventService(EventRecorder recorder) : ILeaderOnlyService
{
    public Task RunAsync(CancellationToken cancellationToken) => recorder.RunAsync(cancellationToken);
}

/// <summary>With leader election off (a single replica by construction): the leader-only services run at once.</summary>
internal sealed class UnelectedService(IEnumerable<ILeaderOnlyService> services) : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(services.Select(s => s.RunAsync(stoppingToken)));
}
