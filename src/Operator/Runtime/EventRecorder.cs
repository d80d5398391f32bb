using System.Globalization;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Resources;

namespace RwAutoscaler.Operator.Runtime;

/// <summary>Kubernetes Events about a RisingWave. Best-effort, as client-go's recorder: a failure is logged, never thrown.</summary>
internal interface IEventRecorder
{
    Task RecordAsync(RisingWave regarding, EventType type, string reason, string action, string note, CancellationToken cancellationToken);
}

internal enum EventType
{
    Normal,
    Warning,
}

/// <summary>
/// Writes events.k8s.io/v1 Events named <c>&lt;object&gt;.&lt;hex unix nanos&gt;</c> like client-go's
/// recorder. Stand-in until src/Kube ships its recorder (issue 4).
/// </summary>
internal sealed class EventRecorder(KubernetesClient client, string instance, TimeProvider time, ILogger<EventRecorder> logger, OperatorMetrics metrics) : IEventRecorder
{
    public const string Controller = "rwautoscaler.dev/rw-operator";

    public async Task RecordAsync(RisingWave regarding, EventType type, string reason, string action, string note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(regarding);
        var now = time.GetUtcNow();
        var nanos = (now - DateTimeOffset.UnixEpoch).Ticks * 100;
        var ns = regarding.Metadata.Namespace ?? "default";
        var e = new Event
        {
            Metadata = new ObjectMeta { Name = $"{regarding.Metadata.Name}.{nanos.ToString("x", CultureInfo.InvariantCulture)}", Namespace = ns },
            EventTime = now,
            ReportingController = Controller,
            ReportingInstance = instance.Length > 128 ? instance[..128] : instance,
            Action = action,
            Reason = reason,
            Type = type.ToString(),
            Note = note.Length > 1024 ? note[..1024] : note,
            Regarding = new ObjectReference
            {
                ApiVersion = RisingWaveResource.Type.ApiVersion,
                Kind = RisingWaveResource.Type.Kind,
                Namespace = ns,
                Name = regarding.Metadata.Name,
                Uid = regarding.Metadata.Uid,
                ResourceVersion = regarding.Metadata.ResourceVersion,
            },
        };
        try
        {
            metrics.Write("create", "events");
            await client.Resource<Event>().CreateAsync(e, ns, cancellationToken);
        }
        catch (Exception ex) when (ex is KubeApiException or HttpRequestException or TimeoutException)
        {
            logger.LogWarning("Could not record event {Reason} for {RisingWave}: {Error}", reason, $"{ns}/{regarding.Metadata.Name}", ex.Message);
        }
    }
}
