using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using k8s;
using k8s.Models;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.Kube.Events;

/// <summary>Records events about objects; best effort, never blocks, never throws for API failures.</summary>
public interface IEventRecorder
{
    /// <param name="type">Normal or Warning.</param>
    /// <param name="reason">Why, as one CamelCase word (ScaledOut).</param>
    /// <param name="action">What was done, machine-readable (Scale).</param>
    void Record(V1ObjectReference regarding, string type, string reason, string action, string? note, V1ObjectReference? related = null);
}

public sealed record EventRecorderOptions
{
    /// <summary>e.g. "rwautoscaler.dev/autoscaler" or "risingwave.risingwavelabs.com/operator".</summary>
    public required string ReportingController { get; init; }

    /// <summary>This replica, e.g. the pod name (at most 128 characters).</summary>
    public required string ReportingInstance { get; init; }

    /// <summary>Events queued beyond this are dropped (client-go: 1000).</summary>
    public int QueueCapacity { get; init; } = 1000;

    /// <summary>How often counts of repeating events are written (client-go events: 30 minutes).</summary>
    public TimeSpan SeriesHeartbeat { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A repeat within this time joins the existing event's series (client-go finishTime: 6 minutes).</summary>
    public TimeSpan SeriesWindow { get; init; } = TimeSpan.FromMinutes(6);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>
/// events.k8s.io/v1 recorder after client-go tools/events: the first occurrence creates an Event
/// named regarding.name + "." + hex(unix nanos); the second, within the series window, patches in
/// series {count: 2, lastObservedTime}; further repeats only count, and are written on the series
/// heartbeat. Run <see cref="RunAsync"/> in the background (e.g. from a BackgroundService).
/// </summary>
public sealed partial class EventRecorder : IEventRecorder
{
    private const int MaxNoteBytes = 1024;
    private readonly KubernetesClient client;
    private readonly Channel<Request?> queue;
    private readonly Dictionary<string, Entry> series = new(StringComparer.Ordinal);
    private readonly ILogger logger;
    private int dropped;

    public EventRecorder(KubernetesClient client, EventRecorderOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        this.client = client;
        Options = options;
        this.logger = logger ?? NullLogger.Instance;
        // One slot more than the capacity is kept for the heartbeat signal (null).
        queue = Channel.CreateBounded<Request?>(new BoundedChannelOptions(options.QueueCapacity + 1) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public EventRecorderOptions Options { get; }

    /// <summary>Events dropped because the queue was full.</summary>
    public int Dropped => Volatile.Read(ref dropped);

    public void Record(V1ObjectReference regarding, string type, string reason, string action, string? note, V1ObjectReference? related = null)
    {
        ArgumentNullException.ThrowIfNull(regarding);
        if (type is not ("Normal" or "Warning"))
        {
            throw new ArgumentException($"event type must be Normal or Warning, got '{type}'", nameof(type));
        }
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentException.ThrowIfNullOrEmpty(action);
        var request = new Request(regarding, related, type, reason, action, Truncate(note ?? ""), Options.TimeProvider.GetUtcNow());
        if (queue.Reader.Count >= Options.QueueCapacity || !queue.Writer.TryWrite(request))
        {
            Interlocked.Increment(ref dropped);
        }
    }

    /// <summary>Sends queued events until cancelled; then writes pending series counts once more.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var heartbeat = Options.TimeProvider.CreateTimer(_ => queue.Writer.TryWrite(null), null, Options.SeriesHeartbeat, Options.SeriesHeartbeat);
        try
        {
            await foreach (var request in queue.Reader.ReadAllAsync(cancellationToken))
            {
                if (request is null)
                {
                    await HeartbeatAsync(cancellationToken);
                }
                else
                {
                    await HandleAsync(request, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            using var flush = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await HeartbeatAsync(flush.Token);
        }
    }

    private async Task HandleAsync(Request request, CancellationToken cancellationToken)
    {
        var key = request.Key(Options);
        if (series.TryGetValue(key, out var entry) && request.At - entry.LastObserved <= Options.SeriesWindow)
        {
            entry.Count++;
            entry.LastObserved = request.At;
            if (entry.Count == 2)
            {
                await WriteSeriesAsync(entry, request, cancellationToken);
            }
            else
            {
                entry.Dirty = true;
            }
            return;
        }
        var created = await CreateAsync(request, 1, cancellationToken);
        if (created is not null)
        {
            series[key] = new Entry(created.Metadata.NamespaceProperty!, created.Metadata.Name!, request) { LastObserved = request.At };
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var now = Options.TimeProvider.GetUtcNow();
        foreach (var (key, entry) in series.ToList())
        {
            if (entry.Dirty)
            {
                await WriteSeriesAsync(entry, entry.First, cancellationToken);
            }
            if (now - entry.LastObserved > Options.SeriesWindow)
            {
                series.Remove(key);
            }
        }
    }

    private async Task WriteSeriesAsync(Entry entry, Request request, CancellationToken cancellationToken)
    {
        entry.Dirty = false;
        var patch = new JsonObject
        {
            ["series"] = new JsonObject { ["count"] = entry.Count, ["lastObservedTime"] = MicroTime.Format(entry.LastObserved) },
        };
        try
        {
            await client.CallAsync(
                ct => client.Api.EventsV1.PatchNamespacedEventAsync(KubePatch.Merge(patch).ToV1Patch(), entry.Name, entry.Namespace, cancellationToken: ct),
                $"PATCH event {entry.Name}",
                cancellationToken);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            // The event expired on the server (event TTL): start it again, carrying the count.
            var created = await CreateAsync(request, entry.Count, cancellationToken);
            if (created is not null)
            {
                entry.Name = created.Metadata.Name!;
            }
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or TimeoutException)
        {
            LogFailed(logger, request.Reason, request.Regarding.Name, e.Message);
        }
    }

    private async Task<Eventsv1Event?> CreateAsync(Request request, int count, CancellationToken cancellationToken)
    {
        var ns = string.IsNullOrEmpty(request.Regarding.NamespaceProperty) ? "default" : request.Regarding.NamespaceProperty;
        var evt = new Eventsv1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{request.Regarding.Name}.{((request.At.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString("x", CultureInfo.InvariantCulture)}",
                NamespaceProperty = ns,
            },
            EventTime = MicroTime.ForClient(request.At),
            Series = count > 1 ? new Eventsv1EventSeries { Count = count, LastObservedTime = MicroTime.ForClient(request.At) } : null,
            ReportingController = Options.ReportingController,
            ReportingInstance = Options.ReportingInstance,
            Action = request.Action,
            Reason = request.Reason,
            Regarding = request.Regarding,
            Related = request.Related,
            Note = request.Note,
            Type = request.Type,
        };
        try
        {
            return await CreateAsync(evt, ns, cancellationToken);
        }
        catch (KubeApiException e) when (e.IsAlreadyExists)
        {
            // Two events in the same nanosecond tick: the name collides; retry once with a fresh name (client-go falls back to a UUID).
            evt.Metadata.Name = $"{request.Regarding.Name}.{Guid.NewGuid():N}";
            return await CreateAsync(evt, ns, cancellationToken);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or TimeoutException)
        {
            LogFailed(logger, request.Reason, request.Regarding.Name, e.Message);
            return null;
        }
    }

    private Task<Eventsv1Event> CreateAsync(Eventsv1Event evt, string ns, CancellationToken cancellationToken) =>
        client.CallAsync(ct => client.Api.EventsV1.CreateNamespacedEventAsync(evt, ns, cancellationToken: ct), $"CREATE event {evt.Metadata.Name}", cancellationToken);

    private static string Truncate(string note)
    {
        if (Encoding.UTF8.GetByteCount(note) <= MaxNoteBytes)
        {
            return note;
        }
        var end = MaxNoteBytes;
        while (Encoding.UTF8.GetByteCount(note.AsSpan(0, Math.Min(end, note.Length))) > MaxNoteBytes)
        {
            end--;
        }
        return note[..end];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "event {Reason} on {Name} not recorded: {Error}")]
    private static partial void LogFailed(ILogger logger, string reason, string? name, string error);

    private sealed record Request(V1ObjectReference Regarding, V1ObjectReference? Related, string Type, string Reason, string Action, string Note, DateTimeOffset At)
    {
        public string Key(EventRecorderOptions o) => string.Join('\u001f',
            Regarding.ApiVersion, Regarding.Kind, Regarding.NamespaceProperty, Regarding.Name, Regarding.Uid, Regarding.FieldPath,
            Related?.Kind, Related?.NamespaceProperty, Related?.Name, Type, Reason, Action, Note, o.ReportingController, o.ReportingInstance);
    }

    private sealed class Entry(string ns, string name, Request first)
    {
        public string Namespace { get; } = ns;

        public string Name { get; set; } = name;

        public Request First { get; } = first;

        public int Count { get; set; } = 1;

        public DateTimeOffset LastObserved { get; set; }

        public bool Dirty { get; set; }
    }
}
