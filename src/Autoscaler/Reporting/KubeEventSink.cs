using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Autoscaler.Telemetry;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Autoscaler.Reporting;

/// <summary>
/// Writes events.k8s.io/v1 Events from a bounded queue (dropping when full, as client-go's recorder does). The same
/// event (object, reason, note) within <see cref="SeriesWindow"/> is not written again: the existing Event's
/// <c>series</c> count goes up instead (api-conventions: accumulate repeated events in the client).
/// </summary>
internal sealed class KubeEventSink : IEventSink
{
    private readonly Channel<(EventNote Note, DateTimeOffset At)> _queue = Channel.CreateBounded<(EventNote, DateTimeOffset)>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly Dictionary<string, (string Namespace, string Name, int Count, DateTimeOffset First)> _series = new(StringComparer.Ordinal);
    private readonly ResourceClient<Event> _events;
    private readonly TimeProvider _time;
    private readonly string _instance;
    private readonly DaemonMetrics _metrics;
    private readonly ILogger _log;

    public KubeEventSink(KubernetesClient client, TimeProvider time, string instance, DaemonMetrics metrics, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(client);
        _events = client.Resource<Event>();
        _time = time;
        _instance = instance.Length > 128 ? instance[..128] : instance;
        _metrics = metrics;
        _log = log;
    }

    public const string Controller = "rwautoscaler.dev/autoscaler";

    public static TimeSpan SeriesWindow { get; } = TimeSpan.FromMinutes(10);

    public void Publish(EventNote note)
    {
        if (!_queue.Writer.TryWrite((note, _time.GetUtcNow())))
        {
            _metrics.EventErrors.Inc();
        }
    }

    /// <summary>Writes queued events until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var (note, at) in _queue.Reader.ReadAllAsync(cancellationToken))
        {
            try
            {
                await WriteAsync(note, at, cancellationToken);
                _metrics.Events.Inc(1, note.Reason);
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or TimeoutException)
            {
                _metrics.EventErrors.Inc();
                _log.LogWarning("event {Reason} on {Kind} {Namespace}/{Name} not written: {Error}",
                    note.Reason, note.Regarding.Kind, note.Regarding.Namespace, note.Regarding.Name, e.Message);
            }
        }
    }

    private async Task WriteAsync(EventNote note, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var key = string.Join('\u0001', note.Regarding.Uid ?? note.Regarding.Name, note.Type, note.Reason, note.Note);
        if (_series.TryGetValue(key, out var series) && at - series.First < SeriesWindow)
        {
            var count = series.Count + 1;
            var patch = new JsonObject
            {
                ["series"] = new JsonObject
                {
                    ["count"] = count,
                    ["lastObservedTime"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                },
            };
            try
            {
                await _events.PatchAsync(series.Namespace, series.Name, KubePatch.Merge(patch), cancellationToken);
                _series[key] = series with { Count = count };
                return;
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                // The event expired (events live an hour by default): write a new one.
            }
        }

        var ns = note.Regarding.Namespace ?? "default";
        var name = $"{note.Regarding.Name}.{(at.ToUnixTimeMilliseconds() * 1_000_000) + Random.Shared.Next(1_000_000):x}";
        var text = note.Note.Length > 1024 ? note.Note[..1021] + "..." : note.Note;
        await _events.CreateAsync(
            new Event
            {
                Metadata = new ObjectMeta { Name = name, Namespace = ns },
                EventTime = at,
                ReportingController = Controller,
                ReportingInstance = _instance,
                Action = note.Action,
                Reason = note.Reason,
                Regarding = note.Regarding,
                Related = note.Related,
                Note = text,
                Type = note.Type,
            },
            ns,
            cancellationToken);
        _series[key] = (ns, name, 1, at);
        if (_series.Count > 10_000)
        {
            foreach (var old in _series.Where(s => at - s.Value.First >= SeriesWindow).Select(s => s.Key).ToList())
            {
                _series.Remove(old);
            }
        }
    }
}
