using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Events;

/// <summary>Records events about objects; best effort, never blocks, never throws for API failures.</summary>
public interface IEventRecorder
{
    /// <param name="type">Normal or Warning.</param>
    /// <param name="reason">Why, as one CamelCase word (ScaledOut).</param>
    /// <param name="action">What was done, machine-readable (Scale).</param>
    void Record(ObjectReference regarding, string type, string reason, string action, string? note, ObjectReference? related = null);
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
    private readonly ResourceClient<Event> events;
    private readonly Channel<Request?> queue;
    private readonly Dictionary<string, Entry> series = new(StringComparer.Ordinal);
    private readonly ILogger logger;
    private int dropped;

    public EventRecorder(KubernetesClient client, EventRecorderOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        events = client.Resource<Event>();
        Options = options;
        this.logger = logger ?? NullLogger.Instance;
        // One slot more than the capacity is kept for the heartbeat signal (null).
        queue = Channel.CreateBounded<Request?>(new BoundedChannelOptions(options.QueueCapacity + 1) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public EventRecorderOptions Options { get; }

    /// <summary>Events dropped because the queue was full.</summary>
    public int Dropped => Volatile.Read(ref dropped);

    public void Record(ObjectReference regarding, string type, string reason, string action, string? note, ObjectReference? related = null)
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
            series[key] = new Entry(created.Metadata.Namespace!, created.Metadata.Name!, request) { LastObserved = request.At };
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
            ["series"] = new JsonObject { ["count"] = entry.Count, ["lastObservedTime"] = KubeMicroTimeConverter.Format(entry.LastObserved) },
        };
        try
        {
            await events.PatchAsync(entry.Namespace, entry.Name, KubePatch.Merge(patch), cancellationToken);
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

    private async Task<Event?> CreateAsync(Request request, int count, CancellationToken cancellationToken)
    {
        var ns = string.IsNullOrEmpty(request.Regarding.Namespace) ? "default" : request.Regarding.Namespace;
        var evt = new Event
        {
            Metadata = new ObjectMeta
            {
                Name = $"{request.Regarding.Name}.{((request.At.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString("x", CultureInfo.InvariantCulture)}",
                Namespace = ns,
            },
            EventTime = request.At,
            Series = count > 1 ? new EventSeries { Count = count, LastObservedTime = request.At } : null,
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
            return await events.CreateAsync(evt, ns, cancellationToken);
        }
        catch (KubeApiException e) when (e.IsAlreadyExists)
        {
            // Two events in the same nanosecond tick: the name collides; retry once with a fresh name (client-go falls back to a UUID).
            return await events.CreateAsync(evt with { Metadata = evt.Metadata with { Name = $"{request.Regarding.Name}.{Guid.NewGuid():N}" } }, ns, cancellationToken);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or TimeoutException)
        {
            LogFailed(logger, request.Reason, request.Regarding.Name, e.Message);
            return null;
        }
    }

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

    private sealed record Request(ObjectReference Regarding, ObjectReference? Related, string Type, string Reason, string Action, string Note, DateTimeOffset At)
    {
        public string Key(EventRecorderOptions o) => string.Join('\u001f',
            Regarding.ApiVersion, Regarding.Kind, Regarding.Namespace, Regarding.Name, Regarding.Uid, Regarding.FieldPath,
            Related?.Kind, Related?.Namespace, Related?.Name, Type, Reason, Action, Note, o.ReportingController, o.ReportingInstance);
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
