using k8s.Models;
using System.Globalization;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Kube.Watching;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Kube.Tests.Watching;

public sealed class InformerTests : FakeServerTest
{
    protected override FakeApiServerOptions Options => new() { HistoryLimit = 3, BookmarkInterval = null };

    private static readonly InformerOptions Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(50) };

    private async Task<(Informer<V1ConfigMap> Informer, List<InformerEvent<V1ConfigMap>> Events, Task Run, CancellationTokenSource Stop)> StartAsync()
    {
        var informer = new Informer<V1ConfigMap>(Client.Builtin<V1ConfigMap>(), Fast with { Namespace = "default" });
        var events = new List<InformerEvent<V1ConfigMap>>();
        informer.Subscribe(e =>
        {
            lock (events)
            {
                events.Add(e);
            }
        });
        var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return (informer, events, run, stop);
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what + (state is null ? "" : $" ({state()})"));
            await Task.Delay(5);
        }
    }

    // Reflector ListAndWatch: LIST fills the cache, then WATCH from the list's resourceVersion delivers changes.
    [Fact]
    public async Task the_informer_lists_then_watches()
    {
        var cms = Client.Builtin<V1ConfigMap>();
        await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = "a" } });
        var (informer, events, run, stop) = await StartAsync();
        Assert.Equal("a", Assert.Single(informer.List()).Metadata.Name);
        var b = await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = "b" } });
        await cms.ReplaceAsync(b with { Data = new Dictionary<string, string> { ["k"] = "v" } });
        await cms.DeleteAsync("default", "a");
        await EventuallyAsync(() => informer.Count == 1 && informer.Get("default", "b")?.Data is not null, "the cache to follow");
        lock (events)
        {
            Assert.Equal([InformerEventType.Added, InformerEventType.Added, InformerEventType.Updated, InformerEventType.Deleted], events.Select(e => e.Type));
            Assert.Null(events[2].Previous!.Data);
        }
        await stop.CancelAsync();
        await run;
    }

    // api-concepts: a watch ending normally is expected; the client resumes from the last resourceVersion without relisting.
    [Fact]
    public async Task a_normal_end_of_the_watch_resumes_without_relisting()
    {
        var (informer, _, run, stop) = await StartAsync();
        await EventuallyAsync(() => Server.OpenWatches == 1, "the watch");
        Server.CloseWatches();
        await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "after" } });
        await EventuallyAsync(() => informer.Get("default", "after") is not null, "the new object");
        Assert.Equal(1, informer.ListCount);
        Assert.True(informer.WatchCount >= 2);
        await stop.CancelAsync();
        await run;
    }

    // reflector.go isExpiredError: 410 (HTTP form) sends the informer back to LIST; the relist reports what changed.
    [Theory]
    [InlineData(ExpiredWatchForm.HttpStatus)]
    [InlineData(ExpiredWatchForm.ErrorEvent)]
    public async Task an_expired_watch_relists_in_either_form(ExpiredWatchForm form)
    {
        Server.ExpiredWatchForm = form;
        var cms = Client.Builtin<V1ConfigMap>();
        await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = "gone" } });
        var (informer, events, run, stop) = await StartAsync();
        await EventuallyAsync(() => Server.OpenWatches == 1, "the watch");
        using (Server.Faults.Add(FaultRule.Respond(503) with { Verb = "watch" }))
        {
            Server.CloseWatches();
            // While the watch is down, more changes than the history keeps.
            await cms.DeleteAsync("default", "gone");
            for (var i = 0; i < 5; i++)
            {
                await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = $"n{i}" } });
            }
        }
        // A clean-clone CI run once timed out here (not reproduced in 15 loaded runs): the state says where it stopped.
        await EventuallyAsync(() => informer.Count == 5 && informer.ListCount == 2, "a relist",
            () => $"{informer.Count} cached, {informer.ListCount} lists, {informer.WatchCount} watches, {Server.OpenWatches} open");
        lock (events)
        {
            Assert.Contains(events, e => e.Type == InformerEventType.Deleted && e.Object.Metadata.Name == "gone");
        }
        await stop.CancelAsync();
        await run;
    }

    // Bookmarks move only the resourceVersion.
    [Fact]
    public async Task a_bookmark_moves_the_resource_version_only()
    {
        var (informer, events, run, stop) = await StartAsync();
        await Client.Builtin<V1Lease>().CreateAsync(new V1Lease { Metadata = new() { Name = "elsewhere" } });
        await EventuallyAsync(() => Server.OpenWatches == 1, "the watch");
        Server.SendBookmarks();
        await EventuallyAsync(() => informer.LastResourceVersion == Server.ResourceVersion.ToString(CultureInfo.InvariantCulture), "the bookmark");
        Assert.Empty(events);
        await stop.CancelAsync();
        await run;
    }

    // A failing handler does not stop the informer or the other handlers.
    [Fact]
    public async Task a_failing_handler_does_not_stop_the_others()
    {
        var (informer, events, run, stop) = await StartAsync();
        informer.Subscribe(_ => throw new InvalidOperationException("boom"));
        await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "x" } });
        await EventuallyAsync(() => { lock (events) { return events.Count == 1; } }, "the event");
        await stop.CancelAsync();
        await run;
    }
}
