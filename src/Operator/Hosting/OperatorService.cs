using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Kube.LeaderElection;
using RwAutoscaler.Operator.Runtime;

namespace RwAutoscaler.Operator.Hosting;

/// <summary>
/// Runs the controller, under the leader lease when leader election is on. Losing the lease ends the
/// process with exit code 1 (as controller-runtime does), so a standby instance takes over from a clean start.
/// </summary>
internal sealed class OperatorService(
    RisingWaveController controller,
    LeaderElector? elector,
    OperatorMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger<OperatorService> logger) : BackgroundService
{
    /// <summary>Ready: the caches are synced, or this instance is a standby waiting for the lease.</summary>
    public bool Ready => controller.Synced || (elector is not null && metrics.Leader.Value() == 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (elector is null)
        {
            metrics.Leader.Set(1);
            await controller.RunAsync(stoppingToken);
            return;
        }

        metrics.Leader.Set(0);
        logger.LogInformation("Waiting for the leader lease as {Identity}", elector.Config.Identity);
        var lost = await elector.RunAsync(async token =>
        {
            metrics.Leader.Set(1);
            await controller.RunAsync(token);
        }, stoppingToken);
        metrics.Leader.Set(0);
        if (lost)
        {
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }
}
