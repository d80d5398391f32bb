using Grpc.Core;
using RwAutoscaler.ExternalPolicy.V1;

namespace BacklogPolicy;

/// <summary>
/// Scale compute so that the sources' backlog drains within <c>targetDrainSeconds</c> (default 60): the rate needed
/// is the ingest rate plus the backlog over that time, and one replica processes what the ready replicas processed
/// over the window (the mean, not the last sample) over their number. A contract example, not a tuned policy: it
/// learns a replica's rate only from what it processes, so it scales down only after the autoscaler's other rules
/// (stabilization, the other policies) let the load show it. No opinion while a rescale is under way (the
/// rate of a restarting cluster says nothing of one replica), when a signal is missing or nothing is processed yet:
/// the autoscaler's other policies decide then, and a missing answer never scales down.
/// </summary>
internal sealed class BacklogService(Settings settings) : ExternalPolicy.ExternalPolicyBase
{
    public override async Task<ProposeResponse> Propose(ProposeRequest request, ServerCallContext context)
    {
        if (settings.Token is { } token && context.RequestHeaders.GetValue("authorization") != $"Bearer {token}")
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "a bearer token is required"));
        }

        if (settings.Delay > TimeSpan.Zero)
        {
            await Task.Delay(settings.Delay, context.CancellationToken);
        }

        return Decide(request);
    }

    internal static ProposeResponse Decide(ProposeRequest request)
    {
        var drain = Parameter(request, "targetDrainSeconds", 60);
        var lag = Latest(request, "sourceLagMessages");
        var ingest = Mean(request, "ingestRate");
        var processed = Mean(request, "processedRate");
        if (lag is null || ingest is null || processed is null || request.CurrentReplicas <= 0)
        {
            return new ProposeResponse { Reason = "no opinion: sourceLagMessages, ingestRate or processedRate has no sample" };
        }

        if (request.ReadyReplicas != request.CurrentReplicas)
        {
            return new ProposeResponse { Reason = $"no opinion: a rescale is under way ({request.ReadyReplicas} of {request.CurrentReplicas} ready)" };
        }

        if (processed <= 0)
        {
            return new ProposeResponse { Reason = "no opinion: nothing is processed yet, so one replica's rate is unknown" };
        }

        var perReplica = processed.Value / request.ReadyReplicas;
        var needed = ingest.Value + lag.Value / drain;
        var replicas = (int)Math.Clamp(Math.Ceiling(needed / perReplica), 1, request.MaxReplicas);
        var response = new ProposeResponse
        {
            Replicas = replicas,
            Reason = $"a backlog of {lag:0} messages drains within {drain:0} s at {replicas} replicas",
        };
        response.Figures.Add(new Figure { Name = "lag_messages", Value = lag.Value });
        response.Figures.Add(new Figure { Name = "ingest_per_s", Value = ingest.Value });
        response.Figures.Add(new Figure { Name = "per_replica_per_s", Value = perReplica });
        response.Figures.Add(new Figure { Name = "needed_per_s", Value = needed });
        return response;
    }

    private static double Parameter(ProposeRequest request, string name, double fallback) =>
        request.Parameters.TryGetValue(name, out var text) && double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private static double? Mean(ProposeRequest request, string signal) =>
        request.Signals.FirstOrDefault(s => s.Name == signal)?.Samples.Where(x => double.IsFinite(x.Value)).Select(x => x.Value).DefaultIfEmpty(double.NaN).Average() is { } mean && double.IsFinite(mean) ? mean : null;

    private static double? Latest(ProposeRequest request, string signal) =>
        request.Signals.FirstOrDefault(s => s.Name == signal) is { Samples.Count: > 0 } window && double.IsFinite(window.Samples[^1].Value) ? window.Samples[^1].Value : null;
}
