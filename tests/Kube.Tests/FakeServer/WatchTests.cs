using k8s.Models;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Kube.Tests.FakeServer;

/// <summary>Checklist item 7: the watch protocol.</summary>
public sealed class WatchTests : FakeServerTest
{
    protected override FakeApiServerOptions Options => new() { HistoryLimit = 5, BookmarkInterval = null };

    private ResourceClient<V1ConfigMap> ConfigMaps => Client.Builtin<V1ConfigMap>();

    private Task<V1ConfigMap> MakeAsync(string name, string value = "1") =>
        ConfigMaps.CreateAsync(new V1ConfigMap { Metadata = new() { Name = name }, Data = new Dictionary<string, string> { ["v"] = value } });

    // json.go doEncode (Encoder.Encode appends "\n") and the fake's flush per event: each event is one line
    // that arrives before the next write happens; the response is chunked.
    [Fact]
    public async Task each_event_is_one_line_and_is_flushed_before_the_next_write()
    {
        using var response = await Http.GetAsync("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + Server.ResourceVersion, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TransferEncodingChunked);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await MakeAsync("a");
        var first = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal("ADDED", (string?)first["type"]);
        Assert.Equal("ConfigMap", (string?)first["object"]!["kind"]);
        await MakeAsync("b");
        var second = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal("b", (string?)second["object"]!["metadata"]!["name"]);
    }

    // api-concepts "Get State and Start at Most Recent": without resourceVersion (or "0") the watch begins
    // with synthetic ADDED events for every existing object.
    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    public async Task a_watch_without_a_resource_version_replays_existing_objects_as_added(string? rv)
    {
        await MakeAsync("a");
        await MakeAsync("b");
        var events = await TakeAsync(ConfigMaps.WatchAsync("default", new WatchOptions { ResourceVersion = rv }), 2);
        Assert.All(events, e => Assert.Equal(WatchEventType.Added, e.Type));
        Assert.Equal(["a", "b"], events.Select(e => e.Object.Metadata.Name));
    }

    // api-concepts "Start at Exact": only changes after the given resourceVersion, no synthetic ADDED.
    [Fact]
    public async Task a_watch_from_a_resource_version_resumes_exactly_after_it()
    {
        var a = await MakeAsync("a");
        await ConfigMaps.ReplaceAsync(a with { Data = new Dictionary<string, string> { ["v"] = "2" } });
        await ConfigMaps.DeleteAsync("default", "a");
        var events = await TakeAsync(ConfigMaps.WatchAsync("default", new WatchOptions { ResourceVersion = a.Metadata.ResourceVersion }), 2);
        Assert.Equal([WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        // DELETED carries the last state, at the deletion's own resourceVersion.
        Assert.Equal("2", events[1].Object.Data!["v"]);
        Assert.Equal(Server.ResourceVersion.ToString(CultureInfo.InvariantCulture), events[1].Object.Metadata.ResourceVersion);
    }

    // watch_cache.go NewResourceExpired("too old resource version: %d (%d)"): HTTP 410 with a V1Status body.
    [Fact]
    public async Task a_watch_from_before_the_history_window_is_410_expired()
    {
        var first = await MakeAsync("a");
        for (var i = 0; i < 6; i++)
        {
            await MakeAsync($"b{i}");
        }
        var (code, body) = await SendAsync(HttpMethod.Get, $"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={first.Metadata.ResourceVersion}");
        Assert.Equal(410, code);
        Assert.Equal("Expired", (string?)body["reason"]);
        Assert.StartsWith($"too old resource version: {first.Metadata.ResourceVersion} (", (string?)body["message"], StringComparison.Ordinal);
        var e = await ThrowsApiAsync(() => TakeAsync(ConfigMaps.WatchAsync("default", new WatchOptions { ResourceVersion = first.Metadata.ResourceVersion }), 1));
        Assert.True(e.IsExpired);
    }

    // kubernetes#25151, #35068, wso2/apk#571: the other form is 200 followed by one ERROR event carrying the V1Status.
    [Fact]
    public async Task the_in_stream_form_of_410_is_an_error_event()
    {
        Server.ExpiredWatchForm = ExpiredWatchForm.ErrorEvent;
        var first = await MakeAsync("a");
        await MakeAsync("b");
        Server.CompactHistory();
        using var response = await Http.GetAsync($"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={first.Metadata.ResourceVersion}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = JsonNode.Parse((await new StreamReader(await response.Content.ReadAsStreamAsync()).ReadLineAsync())!)!;
        Assert.Equal("ERROR", (string?)line["type"]);
        Assert.Equal(410, (int?)line["object"]!["code"]);
        Assert.Equal("Expired", (string?)line["object"]!["reason"]);
        var e = await ThrowsApiAsync(() => TakeAsync(ConfigMaps.WatchAsync("default", new WatchOptions { ResourceVersion = first.Metadata.ResourceVersion }), 1));
        Assert.True(e.IsExpired);
    }

    // api-concepts "Watch bookmarks": only metadata.resourceVersion is filled in, and kind is the watched kind.
    [Fact]
    public async Task a_bookmark_carries_only_the_resource_version()
    {
        var a = await MakeAsync("a");
        var watch = TakeAsync(ConfigMaps.WatchAsync("default", new WatchOptions { ResourceVersion = a.Metadata.ResourceVersion }), 1);
        await WaitForWatchersAsync(1);
        Server.SendBookmarks();
        var bookmark = Assert.Single(await watch);
        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        Assert.Equal(a.Metadata.ResourceVersion, bookmark.Object.Metadata.ResourceVersion);
        Assert.Null(bookmark.Object.Metadata.Name);
    }

    // Bookmarks are sent only when allowWatchBookmarks=true.
    [Fact]
    public async Task no_bookmarks_unless_allowed()
    {
        var a = await MakeAsync("a");
        var watch = TakeAsync(ConfigMaps.WatchAsync("default", new WatchOptions { ResourceVersion = a.Metadata.ResourceVersion, AllowWatchBookmarks = false }), 1);
        await WaitForWatchersAsync(1);
        Server.SendBookmarks();
        await MakeAsync("b");
        Assert.Equal(WatchEventType.Added, Assert.Single(await watch).Type);
    }

    // handlers/get.go: the server ends the stream after timeoutSeconds (a normal end, with a last bookmark).
    [Fact]
    public async Task a_watch_ends_normally_at_timeout_seconds()
    {
        var a = await MakeAsync("a");
        var events = new List<WatchEvent<V1ConfigMap>>();
        await foreach (var e in ConfigMaps.WatchAsync("default", new WatchOptions { ResourceVersion = a.Metadata.ResourceVersion, TimeoutSeconds = 1 }))
        {
            events.Add(e);
        }
        Assert.Equal(WatchEventType.Bookmark, Assert.Single(events).Type);
    }

    // The watch cache applies selectors to transitions: starting to match is ADDED, ceasing to match is DELETED.
    [Fact]
    public async Task an_object_leaving_a_label_selector_is_seen_as_deleted()
    {
        var a = await ConfigMaps.CreateAsync(new V1ConfigMap { Metadata = new() { Name = "a", Labels = new Dictionary<string, string> { ["app"] = "rw" } } });
        var watch = TakeAsync(ConfigMaps.WatchAsync("default", new WatchOptions { ResourceVersion = a.Metadata.ResourceVersion, LabelSelector = "app=rw" }), 2);
        await WaitForWatchersAsync(1);
        var moved = await ConfigMaps.ReplaceAsync(a with { Metadata = a.Metadata with { Labels = new Dictionary<string, string> { ["app"] = "other" } } });
        await ConfigMaps.ReplaceAsync(moved with { Metadata = moved.Metadata with { Labels = new Dictionary<string, string> { ["app"] = "rw" } } });
        Assert.Equal([WatchEventType.Deleted, WatchEventType.Added], (await watch).Select(e => e.Type));
    }

    // Fault hook: a stream cut mid-line surfaces to the client as a transport error, not as a bad event.
    [Fact]
    public async Task a_cut_watch_stream_fails_the_enumeration()
    {
        using var fault = Server.Faults.Add(FaultRule.CutWatch(() => 1));
        await MakeAsync("a");
        await MakeAsync("b");
        var error = await Record.ExceptionAsync(() => TakeAsync(ConfigMaps.WatchAsync("default"), 2));
        Assert.True(error is HttpRequestException or IOException, error?.ToString());
        Assert.Equal(1, fault.Hits);
    }

    private async Task WaitForWatchersAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Server.OpenWatches < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
    }

    private static async Task<List<WatchEvent<T>>> TakeAsync<T>(IAsyncEnumerable<WatchEvent<T>> source, int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<WatchEvent<T>>();
        await foreach (var e in source.WithCancellation(cts.Token))
        {
            events.Add(e);
            if (events.Count == count)
            {
                break;
            }
        }
        return events;
    }
}
