using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Kube.Client;

namespace RwAutoscaler.Operator.Runtime;

/// <summary>Where an object is: namespace, name, and its opaque resourceVersion.</summary>
internal readonly record struct ObjectIdentity(string Namespace, string Name, string? ResourceVersion);

/// <summary>
/// A list-then-watch cache of one resource (an informer in client-go terms): LIST, then WATCH from the
/// list's resourceVersion with bookmarks; a normal end of the stream resumes from the last version seen,
/// 410 Expired lists again, other errors back off and resume. Every change is reported to
/// <see cref="Changed"/>. Reads never call the API server.
/// Stand-in until src/Kube ships its informer (issue 4); kept small on purpose.
/// </summary>
internal sealed class ObjectCache<T>(
    ResourceClient<T> resource,
    Func<T, ObjectIdentity> identify,
    string? labelSelector,
    ILogger logger,
    TimeProvider time)
    where T : class
{
    private readonly Lock gate = new();
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<(string, string), long> changes = [];
    private Dictionary<(string, string), T> items = [];

    /// <summary>Called on the watch thread for every object added, changed or deleted (with its last state).</summary>
    public event Action<T>? Changed;

    public string Resource => resource.Type.ToString();

    public Task Synced => synced.Task;

    /// <summary>The resourceVersion of the last list, event or bookmark applied.</summary>
    public string? LastVersion { get; private set; }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return items.Count;
            }
        }
    }

    public T? Get(string ns, string name)
    {
        lock (gate)
        {
            return items.GetValueOrDefault((ns, name));
        }
    }

    public IReadOnlyList<T> List(Func<T, bool> predicate)
    {
        lock (gate)
        {
            return items.Values.Where(predicate).ToList();
        }
    }

    /// <summary>How many times the watch has changed this object so far; pass it to <see cref="Remember"/>.</summary>
    public long Stamp(string ns, string name)
    {
        lock (gate)
        {
            return changes.GetValueOrDefault((ns, name));
        }
    }

    /// <summary>
    /// Records what a write of ours returned, so the next reconcile does not act on the version before it;
    /// unless the watch changed the object since <paramref name="stamp"/> was taken (before the write was
    /// sent): then what the watch delivered is as new or newer, and is kept. Versions are never compared.
    /// </summary>
    public void Remember(T obj, long stamp)
    {
        var id = identify(Materialize(obj));
        lock (gate)
        {
            if (changes.GetValueOrDefault((id.Namespace, id.Name)) == stamp)
            {
                items[(id.Namespace, id.Name)] = obj;
            }
        }
    }

    /// <summary>Drops an object we deleted, unless the watch changed it since <paramref name="stamp"/>.</summary>
    public void Forget(string ns, string name, long stamp)
    {
        lock (gate)
        {
            if (changes.GetValueOrDefault((ns, name)) == stamp)
            {
                items.Remove((ns, name));
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? version = null;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                version ??= await ListAsync(cancellationToken);
                var options = new WatchOptions { ResourceVersion = version, LabelSelector = labelSelector, AllowWatchBookmarks = true, TimeoutSeconds = 300 };
                await foreach (var change in resource.WatchAsync(null, options, cancellationToken))
                {
                    version = Apply(change) ?? version;
                    failures = 0;
                }
            }
            catch (KubeApiException e) when (e.IsExpired)
            {
                logger.LogInformation("Watch of {Resource} expired at {Version}, listing again", Resource, version);
                version = null;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * Math.Pow(2, Math.Min(failures, 10))) * (0.5 + (Random.Shared.NextDouble() / 2)));
                logger.LogWarning("Watch of {Resource} failed ({Error}); resuming in {Delay}", Resource, e.Message, delay);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    private async Task<string?> ListAsync(CancellationToken cancellationToken)
    {
        var list = await resource.ListAllAsync(null, new ListOptions { LabelSelector = labelSelector }, cancellationToken: cancellationToken);
        var fresh = new Dictionary<(string, string), T>();
        foreach (var item in list.Items)
        {
            var id = identify(Materialize(item));
            fresh[(id.Namespace, id.Name)] = item;
        }

        List<T> gone;
        lock (gate)
        {
            gone = items.Where(i => !fresh.ContainsKey(i.Key)).Select(i => i.Value).ToList();
            foreach (var key in fresh.Keys.Concat(items.Keys))
            {
                changes[key] = changes.GetValueOrDefault(key) + 1;
            }

            items = fresh;
            LastVersion = list.Metadata.ResourceVersion;
        }

        synced.TrySetResult();
        foreach (var item in fresh.Values.Concat(gone))
        {
            Changed?.Invoke(item);
        }

        return list.Metadata.ResourceVersion;
    }

    private string? Apply(WatchEvent<T> change)
    {
        var id = identify(change.Object);
        if (change.Type == WatchEventType.Bookmark)
        {
            LastVersion = id.ResourceVersion ?? LastVersion;
            return id.ResourceVersion;
        }

        Materialize(change.Object);
        lock (gate)
        {
            changes[(id.Namespace, id.Name)] = changes.GetValueOrDefault((id.Namespace, id.Name)) + 1;
            if (change.Type == WatchEventType.Deleted)
            {
                items.Remove((id.Namespace, id.Name));
            }
            else
            {
                items[(id.Namespace, id.Name)] = change.Object;
            }

            LastVersion = id.ResourceVersion ?? LastVersion;
        }

        Changed?.Invoke(change.Object);
        return id.ResourceVersion;
    }

    /// <summary>
    /// JsonNode trees parsed from the wire build their children lazily, which is not safe for concurrent
    /// readers; walking the tree once, before anyone else can see it, builds them all.
    /// </summary>
    private static T Materialize(T obj)
    {
        if (obj is JsonNode node)
        {
            Walk(node);
        }

        return obj;

        static void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (_, child) in o)
                    {
                        Walk(child);
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        Walk(child);
                    }

                    break;
            }
        }
    }
}
