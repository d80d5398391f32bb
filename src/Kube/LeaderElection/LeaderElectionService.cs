using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RwAutoscaler.Kube.LeaderElection;

/// <summary>Work that must run in one replica only (controller-runtime's LeaderElectionRunnable with NeedLeaderElection).</summary>
public interface ILeaderOnlyService
{
    /// <summary>Runs until <paramref name="cancellationToken"/> fires, which happens when leadership ends.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Hosts leader election: waits for the lease, then runs every <see cref="ILeaderOnlyService"/>.
/// Losing the lease stops the application with exit code 1, as controller-runtime ends the process
/// ("leader election lost") rather than trying to drain; a failing leader-only service fails the host.
/// </summary>
public sealed partial class LeaderElectionService(
    LeaderElector elector, IEnumerable<ILeaderOnlyService> services, IHostApplicationLifetime lifetime, ILogger<LeaderElectionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lost = await elector.RunAsync(ct => Task.WhenAll(services.Select(s => s.RunAsync(ct))), stoppingToken);
        if (lost)
        {
            LogLost(logger, elector.Config.Identity);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "leader election lost by {Identity}; stopping")]
    private static partial void LogLost(ILogger logger, string identity);
}
