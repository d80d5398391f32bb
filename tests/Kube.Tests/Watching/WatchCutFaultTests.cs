using k8s.Models;
using System.Globalization;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Kube.Watching;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Kube.Tests.Watching;

/// <summary>
/// The fault test: watch streams are cut at random points (mid-line) while writes happen, and
/// the history is short enough that some resumes get 410 and relist. The informer's cache must
/// converge to the server's state, and its handlers must see each change once: no lost events (the
/// mirror built from events equals the server) and no duplicates (per object, resourceVersions only grow).
/// The history is also compacted every 25 writes, so resumes meet 410 and relist as well.
/// </summary>
public sealed class WatchCutFaultTests : FakeServerTest
{
    protected override FakeApiServerOptions Options => new() { HistoryLimit = 10, BookmarkInterval = null };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task the_cache_converges_with_no_lost_or_duplicated_events_when_watches_are_cut(int seed)
    {
        var random = new Random(seed);
        var cutRandom = new Random(seed * 7919);
        using var cuts = Server.Faults.Add(FaultRule.CutWatch(() => { lock (cutRandom) { return cutRandom.Next(0, 8); } }));
        var cms = Client.Builtin<V1ConfigMap>();
        var informer = new Informer<V1ConfigMap>(cms, new InformerOptions
        {
            Namespace = "default", InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(10),
        });

        var mirror = new Dictionary<string, V1ConfigMap>(StringComparer.Ordinal);
        var lastSeen = new Dictionary<string, long>(StringComparer.Ordinal);
        var violations = new List<string>();
        informer.Subscribe(e =>
        {
            var name = e.Object.Metadata.Name!;
            var rv = long.Parse(e.Object.Metadata.ResourceVersion!, CultureInfo.InvariantCulture);
            switch (e.Type)
            {
                case InformerEventType.Added when mirror.ContainsKey(name):
                    violations.Add($"duplicate add of {name} at {rv}");
                    break;
                case InformerEventType.Updated or InformerEventType.Deleted when !mirror.ContainsKey(name):
                    violations.Add($"{e.Type} of unknown {name} at {rv}");
                    break;
            }
            if (e.Type != InformerEventType.Deleted && lastSeen.TryGetValue(name, out var previous) && rv <= previous)
            {
                violations.Add($"{name}: resourceVersion {rv} after {previous}");
            }
            lastSeen[name] = rv;
            if (e.Type == InformerEventType.Deleted)
            {
                mirror.Remove(name);
            }
            else
            {
                mirror[name] = e.Object;
            }
        });

        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        // Keep writing until enough streams were cut (each cut lingers briefly so the client reads what was sent).
        for (var i = 0; (i < 250 || cuts.Hits < 12) && i < 5000; i++)
        {
            if (i % 25 == 24)
            {
                // Forget the history now and then, so that some resumes are refused with 410 and the relist path runs too.
                Server.CompactHistory();
            }
            var name = $"cm-{random.Next(12)}";
            var current = await cms.GetOrNullAsync("default", name);
            if (current is null)
            {
                await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = name }, Data = new Dictionary<string, string> { ["i"] = $"{i}" } });
            }
            else if (random.Next(4) == 0)
            {
                await cms.DeleteAsync("default", name);
            }
            else
            {
                await cms.ReplaceAsync(current with { Data = new Dictionary<string, string> { ["i"] = $"{i}" } });
            }
        }
        cuts.Dispose();

        var expected = Server.ListObjects(ResourceType.ConfigMaps, "default")
            .ToDictionary(o => (string)o["metadata"]!["name"]!, o => (string)o["metadata"]!["resourceVersion"]!);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Same(expected, informer.List()))
        {
            Assert.True(DateTime.UtcNow < deadline, "the informer did not converge");
            await Task.Delay(10);
        }
        await stop.CancelAsync();
        await run;

        Assert.Empty(violations);
        Assert.True(Same(expected, mirror.Values), "the handlers' mirror differs from the server");
        Assert.True(cuts.Hits >= 12, $"only {cuts.Hits} watches were cut");
        Assert.True(informer.WatchCount > 5);
        Assert.True(informer.ListCount >= 2, "no resume fell outside the history: the relist path was not exercised");
    }

    private static bool Same(Dictionary<string, string> expected, IEnumerable<V1ConfigMap> actual)
    {
        var got = actual.ToDictionary(c => c.Metadata.Name!, c => c.Metadata.ResourceVersion!);
        return got.Count == expected.Count && expected.All(kv => got.TryGetValue(kv.Key, out var rv) && rv == kv.Value);
    }
}
