using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RwAutoscaler.Kube.Client;

namespace RwAutoscaler.Kube.Watching;

/// <summary>
/// A list-then-watch cache of one resource with change handlers, after client-go's reflector and the
/// kube-rs watcher state machine:
/// <list type="bullet">
/// <item>Empty: LIST (paginated); the cache is replaced and the differences reported (new keys Added,
/// changed ones Updated, vanished ones Deleted), so handlers stay correct across relists.</item>
/// <item>Watching from the list's resourceVersion: events update cache and resourceVersion; bookmarks
/// move only the resourceVersion.</item>
/// <item>A normal end of the stream resumes the watch from the last resourceVersion (no relist).</item>
/// <item>410 Expired/Gone, as an HTTP status or an ERROR event, goes back to Empty.</item>
/// <item>Transport errors and other failures back off (with jitter) and resume.</item>
/// </list>
/// Handlers run on the informer's loop, in order; keep them short (enqueue a key).
/// </summary>
public sealed partial class Informer<T>
    where T : class
{
    private readonly ResourceClient<T> client;
    private readonly ConcurrentDictionary<string, T> cache = new(StringComparer.Ordinal);
    private readonly List<Action<InformerEvent<T>>> handlers = [];
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private string? resourceVersion;
    private int relists;
    private int watches;

    public Informer(ResourceClient<T> client, InformerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
        Options = options ?? new InformerOptions();
        time = client.Client.Time;
        this.logger = logger ?? client.Client.Options.LoggerFactory?.CreateLogger($"Informer<{client.Type.Kind}>") ?? NullLogger.Instance;
    }

    public InformerOptions Options { get; }

    /// <summary>True once the first LIST has been loaded into the cache.</summary>
    public bool HasSynced => synced.Task.IsCompleted;

    /// <summary>The last resourceVersion seen (list, event or bookmark).</summary>
    public string? LastResourceVersion => Volatile.Read(ref resourceVersion);

    /// <summary>How many LISTs were made (1 plus one per relist after 410).</summary>
    public int ListCount => Volatile.Read(ref relists);

    /// <summary>How many watch requests were made.</summary>
    public int WatchCount => Volatile.Read(ref watches);

    public int Count => cache.Count;

    public Task WaitForSyncAsync(CancellationToken cancellationToken = default) => synced.Task.WaitAsync(cancellationToken);

    /// <summary>The cached object, or null.</summary>
    public T? Get(string? ns, string name) => cache.GetValueOrDefault(Key(ns, name));

    /// <summary>A snapshot of the cache.</summary>
    public IReadOnlyList<T> List() => cache.Values.ToArray();

    /// <summary>Adds a handler; dispose the result to remove it. Handlers added after sync do not get past events.</summary>
    public IDisposable Subscribe(Action<InformerEvent<T>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (handlers)
        {
            handlers.Add(handler);
        }
        return new Unsubscriber(() =>
        {
            lock (handlers)
            {
                handlers.Remove(handler);
            }
        });
    }

    /// <summary>Runs until cancelled (a BackgroundService calls this from ExecuteAsync).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        string? listFrom = "0";
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    await ListAsync(listFrom, cancellationToken);
                    // client-go relistResourceVersion: the first list may be served from the watch cache ("0");
                    // after an expiry, relist consistently ("").
                    listFrom = null;
                }
                await WatchAsync(cancellationToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.IsExpired)
            {
                LogExpired(logger, client.Type.Plural, resourceVersion, e.Status.Message);
                Volatile.Write(ref resourceVersion, null);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or JsonException or KubeApiException or TimeoutException)
            {
                var delay = Backoff(failures++);
                LogRetry(logger, client.Type.Plural, delay, e.Message);
                try
                {
                    await Task.Delay(delay, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListAsync(string? fromVersion, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref relists);
        var list = await client.ListAllAsync(
            Options.Namespace,
            new ListOptions { LabelSelector = Options.LabelSelector, FieldSelector = Options.FieldSelector, ResourceVersion = fromVersion },
            Options.PageSize,
            cancellationToken);
        var fresh = new Dictionary<string, T>(list.Items.Count, StringComparer.Ordinal);
        foreach (var item in list.Items)
        {
            fresh[Key(item)] = item;
        }
        foreach (var (key, old) in cache)
        {
            if (!fresh.ContainsKey(key) && cache.TryRemove(key, out _))
            {
                Notify(new InformerEvent<T>(InformerEventType.Deleted, old));
            }
        }
        foreach (var (key, item) in fresh)
        {
            if (cache.TryGetValue(key, out var old))
            {
                if (client.Codec.ResourceVersion(old) != client.Codec.ResourceVersion(item))
                {
                    cache[key] = item;
                    Notify(new InformerEvent<T>(InformerEventType.Updated, item, old));
                }
            }
            else
            {
                cache[key] = item;
                Notify(new InformerEvent<T>(InformerEventType.Added, item));
            }
        }
        Volatile.Write(ref resourceVersion, list.Metadata.ResourceVersion);
        synced.TrySetResult();
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref watches);
#pragma warning disable CA5394 // jitter, not security
        var timeout = Options.MinWatchTimeout * (1 + Random.Shared.NextDouble());
#pragma warning restore CA5394
        var options = new WatchOptions
        {
            ResourceVersion = resourceVersion,
            LabelSelector = Options.LabelSelector,
            FieldSelector = Options.FieldSelector,
            AllowWatchBookmarks = true,
            TimeoutSeconds = (int)timeout.TotalSeconds,
        };
        await foreach (var e in client.WatchAsync(Options.Namespace, options, cancellationToken))
        {
            var rv = client.Codec.ResourceVersion(e.Object)
                ?? throw new JsonException($"a {e.Type} event without metadata.resourceVersion");
            var key = e.Type == WatchEventType.Bookmark ? null : Key(e.Object);
            switch (e.Type)
            {
                case WatchEventType.Added or WatchEventType.Modified:
                    if (cache.TryGetValue(key!, out var old))
                    {
                        if (client.Codec.ResourceVersion(old) != rv)
                        {
                            cache[key!] = e.Object;
                            Notify(new InformerEvent<T>(InformerEventType.Updated, e.Object, old));
                        }
                    }
                    else
                    {
                        cache[key!] = e.Object;
                        Notify(new InformerEvent<T>(InformerEventType.Added, e.Object));
                    }
                    break;
                case WatchEventType.Deleted:
                    if (cache.TryRemove(key!, out _))
                    {
                        Notify(new InformerEvent<T>(InformerEventType.Deleted, e.Object));
                    }
                    break;
            }
            Volatile.Write(ref resourceVersion, rv);
        }
    }

    private void Notify(InformerEvent<T> e)
    {
        Action<InformerEvent<T>>[] current;
        lock (handlers)
        {
            current = [.. handlers];
        }
        foreach (var handler in current)
        {
            try
            {
                handler(e);
            }
#pragma warning disable CA1031 // a faulty handler must not stop the informer for the others
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogHandlerFailed(logger, client.Type.Plural, ex);
            }
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var step = Math.Min(Options.MaxBackoff.TotalMilliseconds, Options.InitialBackoff.TotalMilliseconds * Math.Pow(2, failures));
#pragma warning disable CA5394 // jitter, not security
        return TimeSpan.FromMilliseconds(step * (0.5 + (Random.Shared.NextDouble() / 2)));
#pragma warning restore CA5394
    }

    private string Key(T obj) => Key(client.Codec.Namespace(obj), client.Codec.Name(obj) ?? "");

    private static string Key(string? ns, string name) => (ns ?? "") + "/" + name;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Resource}: watch from {ResourceVersion} expired ({Message}); relisting")]
    private static partial void LogExpired(ILogger logger, string resource, string? resourceVersion, string? message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource}: list/watch failed, retrying in {Delay}: {Error}")]
    private static partial void LogRetry(ILogger logger, string resource, TimeSpan delay, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Resource}: an informer handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, string resource, Exception exception);

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
