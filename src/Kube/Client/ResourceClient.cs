using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Client;

/// <summary>
/// Verbs on one resource, through the official client's custom-object API (which serves the core group too):
/// objects travel as JSON, so nothing the server sent is dropped. Namespace arguments: for
/// get/create/replace/patch/delete, null means the object's own namespace, then the client's default; for
/// list/watch, null means all namespaces. Cluster-scoped resources ignore them.
/// </summary>
public sealed class ResourceClient<T>
    where T : class
{
    private readonly KubernetesClient client;
    private readonly ResourceCodec<T> codec;

    internal ResourceClient(KubernetesClient client, ResourceType type, ResourceCodec<T> codec)
    {
        this.client = client;
        this.codec = codec;
        Type = type;
    }

    public ResourceType Type { get; }

    internal ResourceCodec<T> Codec => codec;

    internal KubernetesClient Client => client;

    private ICustomObjectsOperations Api => client.Api.CustomObjects;

    public async Task<T> GetAsync(string? ns, string name, CancellationToken cancellationToken = default) =>
        codec.Read(await CallAsync("GET", name, ct => Type.Namespaced
            ? Api.GetNamespacedCustomObjectWithHttpMessagesAsync<JsonObject>(Type.Group, Type.Version, Resolve(ns), Type.Plural, name, cancellationToken: ct)
            : Api.GetClusterCustomObjectWithHttpMessagesAsync<JsonObject>(Type.Group, Type.Version, Type.Plural, name, cancellationToken: ct), cancellationToken));

    /// <summary>GET that answers null instead of throwing NotFound.</summary>
    public async Task<T?> GetOrNullAsync(string? ns, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(ns, name, cancellationToken);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>One LIST page; follow <c>Metadata.Continue</c> for the next, or use <see cref="ListAllAsync"/>.</summary>
    public async Task<ResourceList<T>> ListAsync(string? ns, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ListOptions();
        var list = await CallAsync("LIST", null, ct => !Type.Namespaced
            ? Api.ListClusterCustomObjectWithHttpMessagesAsync<JsonObject>(Type.Group, Type.Version, Type.Plural, continueParameter: options.Continue,
                fieldSelector: options.FieldSelector, labelSelector: options.LabelSelector, limit: options.Limit, resourceVersion: options.ResourceVersion,
                resourceVersionMatch: options.ResourceVersionMatch, cancellationToken: ct)
            : ns is null
                ? Api.ListCustomObjectForAllNamespacesWithHttpMessagesAsync<JsonObject>(Type.Group, Type.Version, Type.Plural, continueParameter: options.Continue,
                    fieldSelector: options.FieldSelector, labelSelector: options.LabelSelector, limit: options.Limit, resourceVersion: options.ResourceVersion,
                    resourceVersionMatch: options.ResourceVersionMatch, cancellationToken: ct)
                : Api.ListNamespacedCustomObjectWithHttpMessagesAsync<JsonObject>(Type.Group, Type.Version, ns, Type.Plural, continueParameter: options.Continue,
                    fieldSelector: options.FieldSelector, labelSelector: options.LabelSelector, limit: options.Limit, resourceVersion: options.ResourceVersion,
                    resourceVersionMatch: options.ResourceVersionMatch, cancellationToken: ct), cancellationToken);
        var items = list["items"] as JsonArray ?? [];
        var nodes = items.ToArray();
        items.Clear(); // detaches each item from the list, so callers own it
        var meta = list["metadata"] as JsonObject;
        return new ResourceList<T>(
            nodes.Select(n => codec.Read(Identified(n as JsonObject ?? throw new JsonException("a LIST item is not an object")))).ToArray(),
            new V1ListMeta
            {
                ResourceVersion = (string?)meta?["resourceVersion"],
                ContinueProperty = (string?)meta?["continue"],
                RemainingItemCount = meta?["remainingItemCount"] is JsonValue remaining && remaining.TryGetValue<long>(out var r) ? r : null,
            });
    }

    /// <summary>Every page of a LIST (pages of <paramref name="pageSize"/>), as one list at the first page's resourceVersion.</summary>
    public async Task<ResourceList<T>> ListAllAsync(string? ns, ListOptions? options = null, int pageSize = 500, CancellationToken cancellationToken = default)
    {
        options = (options ?? new ListOptions()) with { Limit = pageSize, Continue = null };
        var first = await ListAsync(ns, options, cancellationToken);
        if (string.IsNullOrEmpty(first.Metadata.ContinueProperty))
        {
            return first;
        }

        var items = new List<T>(first.Items);
        var next = first.Metadata.ContinueProperty;
        while (!string.IsNullOrEmpty(next))
        {
            var page = await ListAsync(ns, options with { Continue = next, ResourceVersion = null }, cancellationToken);
            items.AddRange(page.Items);
            next = page.Metadata.ContinueProperty;
        }

        return new ResourceList<T>(items, new V1ListMeta { ResourceVersion = first.Metadata.ResourceVersion });
    }

    public async Task<T> CreateAsync(T obj, string? ns = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var body = codec.Write(obj);
        return codec.Read(await CallAsync("CREATE", codec.Name(obj), ct => Type.Namespaced
            ? Api.CreateNamespacedCustomObjectWithHttpMessagesAsync<JsonObject>(body, Type.Group, Type.Version, Resolve(ns ?? codec.Namespace(obj)), Type.Plural, cancellationToken: ct)
            : Api.CreateClusterCustomObjectWithHttpMessagesAsync<JsonObject>(body, Type.Group, Type.Version, Type.Plural, cancellationToken: ct), cancellationToken));
    }

    /// <summary>PUT of the whole object as JSON (every field it holds); carry <c>metadata.resourceVersion</c> (a stale one is a 409).</summary>
    public async Task<T> ReplaceAsync(T obj, CancellationToken cancellationToken = default)
    {
        var (body, ns, name) = Identify(obj);
        return codec.Read(await CallAsync("UPDATE", name, ct => Type.Namespaced
            ? Api.ReplaceNamespacedCustomObjectWithHttpMessagesAsync<JsonObject>(body, Type.Group, Type.Version, ns, Type.Plural, name, cancellationToken: ct)
            : Api.ReplaceClusterCustomObjectWithHttpMessagesAsync<JsonObject>(body, Type.Group, Type.Version, Type.Plural, name, cancellationToken: ct), cancellationToken));
    }

    /// <summary>PUT to /status: only the status stanza is taken.</summary>
    public async Task<T> ReplaceStatusAsync(T obj, CancellationToken cancellationToken = default)
    {
        var (body, ns, name) = Identify(obj);
        return codec.Read(await CallAsync("UPDATE status", name, ct => Type.Namespaced
            ? Api.ReplaceNamespacedCustomObjectStatusWithHttpMessagesAsync<JsonObject>(body, Type.Group, Type.Version, ns, Type.Plural, name, cancellationToken: ct)
            : Api.ReplaceClusterCustomObjectStatusWithHttpMessagesAsync<JsonObject>(body, Type.Group, Type.Version, Type.Plural, name, cancellationToken: ct), cancellationToken));
    }

    public async Task<T> PatchAsync(string? ns, string name, KubePatch patch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var body = patch.ToV1Patch();
        return codec.Read(await CallAsync("PATCH", name, ct => Type.Namespaced
            ? Api.PatchNamespacedCustomObjectWithHttpMessagesAsync<JsonObject>(body, Type.Group, Type.Version, Resolve(ns), Type.Plural, name, cancellationToken: ct)
            : Api.PatchClusterCustomObjectWithHttpMessagesAsync<JsonObject>(body, Type.Group, Type.Version, Type.Plural, name, cancellationToken: ct), cancellationToken));
    }

    public async Task<T> PatchStatusAsync(string? ns, string name, KubePatch patch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var body = patch.ToV1Patch();
        return codec.Read(await CallAsync("PATCH status", name, ct => Type.Namespaced
            ? Api.PatchNamespacedCustomObjectStatusWithHttpMessagesAsync<JsonObject>(body, Type.Group, Type.Version, Resolve(ns), Type.Plural, name, cancellationToken: ct)
            : Api.PatchClusterCustomObjectStatusWithHttpMessagesAsync<JsonObject>(body, Type.Group, Type.Version, Type.Plural, name, cancellationToken: ct), cancellationToken));
    }

    /// <summary>
    /// DELETE. Returns the object when the server answers with it (finalizers pending: it then has
    /// deletionTimestamp set) and null when it answers with a Success Status.
    /// </summary>
    public async Task<T?> DeleteAsync(string? ns, string name, V1DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var answer = await CallAsync("DELETE", name, ct => Type.Namespaced
            ? Api.DeleteNamespacedCustomObjectWithHttpMessagesAsync<JsonObject>(Type.Group, Type.Version, Resolve(ns), Type.Plural, name, options, cancellationToken: ct)
            : Api.DeleteClusterCustomObjectWithHttpMessagesAsync<JsonObject>(Type.Group, Type.Version, Type.Plural, name, options, cancellationToken: ct), cancellationToken);
        return string.Equals((string?)answer["kind"], "Status", StringComparison.Ordinal) ? null : codec.Read(answer);
    }

    public async Task<V1Scale> GetScaleAsync(string? ns, string name, CancellationToken cancellationToken = default) =>
        ToScale(await CallAsync("GET scale", name, ct => Api.GetNamespacedCustomObjectScaleWithHttpMessagesAsync<JsonObject>(
            Type.Group, Type.Version, Resolve(ns), Type.Plural, name, cancellationToken: ct), cancellationToken));

    /// <summary>PUT /scale; with <c>metadata.resourceVersion</c> set it has the usual conflict semantics.</summary>
    public async Task<V1Scale> ReplaceScaleAsync(string? ns, string name, V1Scale scale, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scale);
        return ToScale(await CallAsync("UPDATE scale", name, ct => Api.ReplaceNamespacedCustomObjectScaleWithHttpMessagesAsync<JsonObject>(
            scale, Type.Group, Type.Version, Resolve(ns), Type.Plural, name, cancellationToken: ct), cancellationToken));
    }

    public async Task<V1Scale> PatchScaleAsync(string? ns, string name, KubePatch patch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return ToScale(await CallAsync("PATCH scale", name, ct => Api.PatchNamespacedCustomObjectScaleWithHttpMessagesAsync<JsonObject>(
            patch.ToV1Patch(), Type.Group, Type.Version, Resolve(ns), Type.Plural, name, cancellationToken: ct), cancellationToken));
    }

    /// <summary>
    /// A raw watch through the official client: events until the server ends the stream (a normal end: resume
    /// from the last resourceVersion). An ERROR event, like a non-2xx answer, throws <see cref="KubeApiException"/>;
    /// 410 in either form has <see cref="KubeApiException.IsExpired"/>. Use <see cref="Watching.Informer{T}"/>
    /// for list-then-watch with resume and relist.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(
        string? ns, WatchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new WatchOptions();
        Exception? failure = null;
        void OnError(Exception e) => failure ??= e;
        var stream = !Type.Namespaced
            ? Api.WatchListClusterCustomObjectAsync(Type.Group, Type.Version, Type.Plural, allowWatchBookmarks: options.AllowWatchBookmarks,
                fieldSelector: options.FieldSelector, labelSelector: options.LabelSelector, resourceVersion: options.ResourceVersion,
                timeoutSeconds: options.TimeoutSeconds, onError: OnError, cancellationToken: cancellationToken)
            : ns is null
                ? Api.WatchListCustomObjectForAllNamespacesAsync(Type.Group, Type.Version, Type.Plural, allowWatchBookmarks: options.AllowWatchBookmarks,
                    fieldSelector: options.FieldSelector, labelSelector: options.LabelSelector, resourceVersion: options.ResourceVersion,
                    timeoutSeconds: options.TimeoutSeconds, onError: OnError, cancellationToken: cancellationToken)
                : Api.WatchListNamespacedCustomObjectAsync(Type.Group, Type.Version, ns, Type.Plural, allowWatchBookmarks: options.AllowWatchBookmarks,
                    fieldSelector: options.FieldSelector, labelSelector: options.LabelSelector, resourceVersion: options.ResourceVersion,
                    timeoutSeconds: options.TimeoutSeconds, onError: OnError, cancellationToken: cancellationToken);
        var events = stream.GetAsyncEnumerator(cancellationToken);
        await using (events.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await events.MoveNextAsync();
                }
                catch (HttpOperationException e)
                {
                    throw KubeApiException.From(e);
                }

                // The library reports an ERROR event (and a line it cannot read) to the callback and reads on; stop there instead.
                switch (failure)
                {
                    case KubernetesException k:
                        throw KubeApiException.From(k);
                    case { } other:
                        throw new JsonException($"unreadable watch event: {other.Message}", other);
                }

                if (!more)
                {
                    yield break;
                }

                var (type, item) = events.Current;
                var obj = item switch
                {
                    JsonElement { ValueKind: JsonValueKind.Object } element => JsonObject.Create(element)!,
                    JsonObject o => o,
                    _ => throw new JsonException($"a {type} watch event without an object"),
                };
                yield return new WatchEvent<T>(type switch
                {
                    k8s.WatchEventType.Added => WatchEventType.Added,
                    k8s.WatchEventType.Modified => WatchEventType.Modified,
                    k8s.WatchEventType.Deleted => WatchEventType.Deleted,
                    k8s.WatchEventType.Bookmark => WatchEventType.Bookmark,
                    _ => throw new JsonException($"unexpected watch event type {type}"),
                }, type == k8s.WatchEventType.Bookmark && typeof(T) != typeof(JsonObject) ? BookmarkOf(obj) : codec.Read(obj));
            }
        }
    }

    /// <summary>Items of built-in lists come without apiVersion and kind; give them back, as a GET has them.</summary>
    private JsonObject Identified(JsonObject item)
    {
        if (!item.ContainsKey("kind"))
        {
            item.Insert(0, "apiVersion", Type.ApiVersion);
            item.Insert(1, "kind", Type.Kind);
        }

        return item;
    }

    /// <summary>A bookmark carries only metadata.resourceVersion; a typed record is built around it.</summary>
    private T BookmarkOf(JsonObject obj) => codec.Read(new JsonObject
    {
        ["apiVersion"] = Type.ApiVersion,
        ["kind"] = Type.Kind,
        ["metadata"] = obj["metadata"]?.DeepClone(),
    });

    private Task<JsonObject> CallAsync(string verb, string? name, Func<CancellationToken, Task<HttpOperationResponse<JsonObject>>> call, CancellationToken cancellationToken) =>
        client.CallAsync(
            async ct =>
            {
                using var response = await call(ct);
                return response.Body ?? throw new JsonException($"the server answered {verb} {Type} with a null body");
            },
            $"{verb} {Type}{(name is null ? "" : " " + name)}",
            cancellationToken);

    private (JsonObject Body, string Namespace, string Name) Identify(T obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var name = codec.Name(obj) ?? throw new ArgumentException("metadata.name is required for a replace", nameof(obj));
        return (codec.Write(obj), Resolve(codec.Namespace(obj)), name);
    }

    private static V1Scale ToScale(JsonObject obj) => KubernetesJson.Deserialize<V1Scale>(obj.ToJsonString());

    private string Resolve(string? ns) => ns ?? client.DefaultNamespace;
}
