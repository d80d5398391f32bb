using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Client;

/// <summary>
/// Verbs on one resource. Namespace arguments: for get/create/replace/patch/delete, null means the
/// object's own namespace, then the client's default; for list/watch, null means all namespaces.
/// Cluster-scoped resources ignore them.
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

    public async Task<T> GetAsync(string? ns, string name, CancellationToken cancellationToken = default)
    {
        using var response = await client.SendAsync(HttpMethod.Get, ItemPath(ns, name), null, stream: false, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

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
        var query = Query(
            ("labelSelector", options.LabelSelector),
            ("fieldSelector", options.FieldSelector),
            ("limit", options.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("continue", options.Continue),
            ("resourceVersion", options.ResourceVersion),
            ("resourceVersionMatch", options.ResourceVersionMatch));
        using var response = await client.SendAsync(HttpMethod.Get, CollectionPath(ns) + query, null, stream: false, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync(stream, codec.List, cancellationToken)
            ?? throw new JsonException("the server answered a LIST with null");
    }

    /// <summary>Every page of a LIST (pages of <paramref name="pageSize"/>), as one list at the first page's resourceVersion.</summary>
    public async Task<ResourceList<T>> ListAllAsync(string? ns, ListOptions? options = null, int pageSize = 500, CancellationToken cancellationToken = default)
    {
        options = (options ?? new ListOptions()) with { Limit = pageSize, Continue = null };
        var first = await ListAsync(ns, options, cancellationToken);
        if (string.IsNullOrEmpty(first.Metadata.Continue))
        {
            return first;
        }
        var items = new List<T>(first.Items);
        var next = first.Metadata.Continue;
        while (!string.IsNullOrEmpty(next))
        {
            var page = await ListAsync(ns, options with { Continue = next, ResourceVersion = null }, cancellationToken);
            items.AddRange(page.Items);
            next = page.Metadata.Continue;
        }
        return first with { Items = items, Metadata = first.Metadata with { Continue = null, RemainingItemCount = null } };
    }

    public async Task<T> CreateAsync(T obj, string? ns = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var body = KubernetesClient.JsonBody(JsonSerializer.Serialize(obj, codec.Item));
        using var response = await client.SendAsync(HttpMethod.Post, CollectionPath(ResolveNamespace(ns ?? codec.Namespace(obj))), body, stream: false, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>PUT of the whole object; carry <c>metadata.resourceVersion</c> (custom resources require it; a stale one is a 409).</summary>
    public Task<T> ReplaceAsync(T obj, CancellationToken cancellationToken = default) => PutAsync(obj, null, cancellationToken);

    /// <summary>PUT to /status: only the status stanza is taken.</summary>
    public Task<T> ReplaceStatusAsync(T obj, CancellationToken cancellationToken = default) => PutAsync(obj, "status", cancellationToken);

    public Task<T> PatchAsync(string? ns, string name, KubePatch patch, CancellationToken cancellationToken = default) =>
        SendPatchAsync(ns, name, null, patch, codec.Item, cancellationToken);

    public Task<T> PatchStatusAsync(string? ns, string name, KubePatch patch, CancellationToken cancellationToken = default) =>
        SendPatchAsync(ns, name, "status", patch, codec.Item, cancellationToken);

    /// <summary>
    /// DELETE. Returns the object when the server answers with it (finalizers pending: it then has
    /// deletionTimestamp set; or kinds like Pod that return what they deleted) and null when it
    /// answers with a Success Status.
    /// </summary>
    public async Task<T?> DeleteAsync(string? ns, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var body = options is null ? null : KubernetesClient.JsonBody(JsonSerializer.Serialize(options, KubeJsonContext.Default.DeleteOptions));
        using var response = await client.SendAsync(HttpMethod.Delete, ItemPath(ns, name), body, stream: false, cancellationToken);
        var node = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        if (node is JsonObject obj && string.Equals((string?)obj["kind"], "Status", StringComparison.Ordinal)
            && !string.Equals(Type.Kind, "Status", StringComparison.Ordinal))
        {
            return null;
        }
        return node.Deserialize(codec.Item);
    }

    public async Task<Scale> GetScaleAsync(string? ns, string name, CancellationToken cancellationToken = default)
    {
        using var response = await client.SendAsync(HttpMethod.Get, ItemPath(ns, name, "scale"), null, stream: false, cancellationToken);
        return await ReadAsync(response, KubeJsonContext.Default.Scale, cancellationToken);
    }

    /// <summary>PUT /scale; with <c>metadata.resourceVersion</c> set it has the usual conflict semantics.</summary>
    public async Task<Scale> ReplaceScaleAsync(string? ns, string name, Scale scale, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var body = KubernetesClient.JsonBody(JsonSerializer.Serialize(scale, KubeJsonContext.Default.Scale));
        using var response = await client.SendAsync(HttpMethod.Put, ItemPath(ns, name, "scale"), body, stream: false, cancellationToken);
        return await ReadAsync(response, KubeJsonContext.Default.Scale, cancellationToken);
    }

    public Task<Scale> PatchScaleAsync(string? ns, string name, KubePatch patch, CancellationToken cancellationToken = default) =>
        SendPatchAsync(ns, name, "scale", patch, KubeJsonContext.Default.Scale, cancellationToken);

    /// <summary>
    /// A raw watch: events until the server ends the stream (a normal end: resume from the last
    /// resourceVersion). An ERROR event, like a non-2xx answer, throws <see cref="KubeApiException"/>;
    /// 410 in either form has <see cref="KubeApiException.IsExpired"/>. Use <see cref="Watching.Informer{T}"/>
    /// for list-then-watch with resume and relist.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(
        string? ns, WatchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new WatchOptions();
        var query = Query(
            ("watch", "1"),
            ("resourceVersion", options.ResourceVersion),
            ("allowWatchBookmarks", options.AllowWatchBookmarks ? "true" : null),
            ("timeoutSeconds", options.TimeoutSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("labelSelector", options.LabelSelector),
            ("fieldSelector", options.FieldSelector));
        using var response = await client.SendAsync(HttpMethod.Get, CollectionPath(ns) + query, null, stream: true, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            yield return WatchDecoder.Decode(line, codec.Item);
        }
    }

    private async Task<T> PutAsync(T obj, string? subresource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var name = codec.Name(obj) ?? throw new ArgumentException("metadata.name is required for a replace", nameof(obj));
        var body = KubernetesClient.JsonBody(JsonSerializer.Serialize(obj, codec.Item));
        using var response = await client.SendAsync(HttpMethod.Put, ItemPath(codec.Namespace(obj), name, subresource), body, stream: false, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    private async Task<TResult> SendPatchAsync<TResult>(
        string? ns, string name, string? subresource, KubePatch patch, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TResult> typeInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var body = KubernetesClient.JsonBody(patch.Body, patch.ContentType);
        using var response = await client.SendAsync(HttpMethod.Patch, ItemPath(ns, name, subresource), body, stream: false, cancellationToken);
        return await ReadAsync(response, typeInfo, cancellationToken);
    }

    private Task<T> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken) => ReadAsync(response, codec.Item, cancellationToken);

    private static async Task<TResult> ReadAsync<TResult>(
        HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TResult> typeInfo, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken)
            ?? throw new JsonException($"the server answered {(int)response.StatusCode} with a null body");
    }

    private string ResolveNamespace(string? ns) => ns ?? client.DefaultNamespace;

    internal string CollectionPath(string? ns)
    {
        var builder = new StringBuilder(Type.Group.Length == 0 ? "/api/" : $"/apis/{Type.Group}/");
        builder.Append(Type.Version);
        if (Type.Namespaced && ns is not null)
        {
            builder.Append("/namespaces/").Append(Uri.EscapeDataString(ns));
        }
        return builder.Append('/').Append(Type.Plural).ToString();
    }

    private string ItemPath(string? ns, string name, string? subresource = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var path = CollectionPath(Type.Namespaced ? ResolveNamespace(ns) : null) + "/" + Uri.EscapeDataString(name);
        return subresource is null ? path : path + "/" + subresource;
    }

    private static string Query(params (string Key, string? Value)[] parameters)
    {
        var parts = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToArray();
        return parts.Length == 0 ? "" : "?" + string.Join('&', parts);
    }
}
