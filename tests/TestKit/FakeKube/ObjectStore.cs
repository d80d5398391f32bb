using System.Text.Json.Nodes;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// The fake's etcd: one global revision counter (resourceVersion is etcd's mod_revision, so values are
/// unique across all objects), the current objects, a bounded history of events for watch resume,
/// and the registered watchers. Every method is atomic under <see cref="Gate"/>.
/// </summary>
internal sealed class ObjectStore(int historyLimit)
{
    private readonly Dictionary<(string Group, string Version, string Plural), SortedDictionary<string, StoredObject>> objects = [];
    private readonly Queue<StoreEvent> history = new();
    private readonly List<WatchSubscription> watchers = [];
    private long revision = 1;
    private long compactedThrough;

    internal sealed record StoreEvent(string Type, StoredObject Object, StoredObject? Previous);

    public object Gate { get; } = new();

    private int HistoryLimit { get; } = historyLimit;

    public long Revision
    {
        get
        {
            lock (Gate)
            {
                return revision;
            }
        }
    }

    public StoredObject? Get(ResourceDefinition def, string ns, string name)
    {
        lock (Gate)
        {
            return Bucket(def).GetValueOrDefault(ns + "/" + name);
        }
    }

    /// <summary>A consistent snapshot (sorted by namespace/name, as etcd keys sort) and the revision it is at.</summary>
    public (long Revision, List<StoredObject> Items) List(ResourceDefinition def, string? ns, Func<StoredObject, bool> filter)
    {
        lock (Gate)
        {
            var items = Bucket(def).Values.Where(o => (ns is null || o.Namespace == ns) && filter(o)).ToList();
            return (revision, items);
        }
    }

    /// <summary>Every object, of every resource, matching <paramref name="filter"/> (for GC and namespace cleanup).</summary>
    public List<StoredObject> FindAll(Func<StoredObject, bool> filter)
    {
        lock (Gate)
        {
            return objects.Values.SelectMany(b => b.Values).Where(filter).ToList();
        }
    }

    /// <summary>Writes an object at the next revision and tells the watchers.</summary>
    public StoredObject Put(ResourceDefinition def, JsonObject obj)
    {
        lock (Gate)
        {
            var stored = StoredObject.Create(def, obj, ++revision);
            var bucket = Bucket(def);
            bucket.TryGetValue(stored.Key, out var previous);
            bucket[stored.Key] = stored;
            Record(new StoreEvent(previous is null ? "ADDED" : "MODIFIED", stored, previous));
            return stored;
        }
    }

    /// <summary>Removes an object; the DELETED event carries its last state at the deletion's revision.</summary>
    public StoredObject Remove(StoredObject existing)
    {
        lock (Gate)
        {
            var final = StoredObject.Create(existing.Def, existing.ToJsonObject(), ++revision);
            Bucket(existing.Def).Remove(existing.Key);
            Record(new StoreEvent("DELETED", final, existing));
            return final;
        }
    }

    /// <summary>
    /// Registers a watcher. Without a start revision (or "0") it first gets synthetic ADDED events for
    /// what exists; with one, the history after it. Subscribing and the snapshot happen under one lock.
    /// </summary>
    public WatchSubscription Subscribe(WatchSubscription sub, long? fromRevision)
    {
        lock (Gate)
        {
            if (fromRevision is null or 0)
            {
                foreach (var obj in Bucket(sub.Def).Values.Where(sub.Wants))
                {
                    sub.Enqueue(new WatchMessage("ADDED", obj, obj.ResourceVersion), initial: true);
                }
            }
            else
            {
                if (fromRevision < compactedThrough)
                {
                    throw ApiError.Expired($"too old resource version: {fromRevision} ({compactedThrough})");
                }
                foreach (var e in history.Where(e => e.Object.ResourceVersion > fromRevision))
                {
                    Deliver(sub, e, initial: true);
                }
            }
            watchers.Add(sub);
            return sub;
        }
    }

    public void Unsubscribe(WatchSubscription sub)
    {
        lock (Gate)
        {
            watchers.Remove(sub);
        }
        sub.Close();
    }

    /// <summary>Queues a BOOKMARK at the current revision for every watcher that asked for bookmarks.</summary>
    public void SendBookmarks()
    {
        lock (Gate)
        {
            foreach (var sub in watchers.Where(w => w.Bookmarks))
            {
                sub.Enqueue(new WatchMessage("BOOKMARK", null, revision));
            }
        }
    }

    public void Bookmark(WatchSubscription sub)
    {
        lock (Gate)
        {
            sub.Enqueue(new WatchMessage("BOOKMARK", null, revision));
        }
    }

    /// <summary>Forgets all history: any watch from an earlier revision now gets 410 Expired.</summary>
    public void Compact()
    {
        lock (Gate)
        {
            history.Clear();
            compactedThrough = revision;
        }
    }

    /// <summary>Ends every open watch stream (they end normally, as at a server-side timeout).</summary>
    public void CloseAllWatches()
    {
        lock (Gate)
        {
            foreach (var sub in watchers)
            {
                sub.Close();
            }
            watchers.Clear();
        }
    }

    public int WatcherCount
    {
        get
        {
            lock (Gate)
            {
                return watchers.Count;
            }
        }
    }

    private SortedDictionary<string, StoredObject> Bucket(ResourceDefinition def)
    {
        var key = (def.Group, def.Version, def.Plural);
        if (!objects.TryGetValue(key, out var bucket))
        {
            bucket = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
            objects[key] = bucket;
        }
        return bucket;
    }

    private void Record(StoreEvent e)
    {
        history.Enqueue(e);
        while (history.Count > HistoryLimit)
        {
            compactedThrough = history.Dequeue().Object.ResourceVersion;
        }
        foreach (var sub in watchers)
        {
            Deliver(sub, e, initial: false);
        }
    }

    /// <summary>
    /// Sends what this watcher should see of an event: with a label selector, an object that starts
    /// matching is ADDED and one that stops matching is DELETED (as the watch cache does).
    /// </summary>
    private static void Deliver(WatchSubscription sub, StoreEvent e, bool initial)
    {
        var def = e.Object.Def;
        if (def.Group != sub.Def.Group || def.Plural != sub.Def.Plural || def.Version != sub.Def.Version)
        {
            return;
        }
        var now = e.Type != "DELETED" && sub.Wants(e.Object);
        var before = e.Previous is not null && sub.Wants(e.Previous);
        var type = e.Type switch
        {
            "DELETED" => before ? "DELETED" : null,
            _ when now && before => "MODIFIED",
            _ when now => "ADDED",
            _ when before => "DELETED",
            _ => null,
        };
        if (type is not null)
        {
            sub.Enqueue(new WatchMessage(type, e.Object, e.Object.ResourceVersion), initial);
        }
    }
}
