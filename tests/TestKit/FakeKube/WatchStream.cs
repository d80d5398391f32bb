using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// Serves one WATCH: 200, chunked, one JSON event per line, flushed per event; bookmarks when asked
/// for; ends at timeoutSeconds (or a random time in [minRequestTimeout, 2*minRequestTimeout) without it).
/// </summary>
internal sealed class WatchStream(FakeApiServer server, ResourceDefinition def, string? ns, IQueryCollection query, HttpContext context)
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    public async Task RunAsync(FaultAction.CutWatch? cut)
    {
        if (query["sendInitialEvents"] == "true")
        {
            throw ApiError.Invalid(def, "", ("sendInitialEvents", "FieldValueForbidden", "Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled"));
        }
        var rvText = (string?)query["resourceVersion"];
        long? from = null;
        if (!string.IsNullOrEmpty(rvText))
        {
            from = long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out var rv)
                ? rv
                : throw ApiError.BadRequest($"invalid resource version \"{rvText}\"");
        }
        var bookmarks = query["allowWatchBookmarks"] == "true";
        var sub = new WatchSubscription
        {
            Def = def,
            Namespace = ns,
            Labels = LabelSelectorExpression.Parse(query["labelSelector"]),
            Fields = FieldSelectorExpression.Parse(query["fieldSelector"]),
            Bookmarks = bookmarks,
            MaxPending = server.Options.WatchBufferLimit,
        };

        var response = context.Response;
        try
        {
            server.Store.Subscribe(sub, from);
        }
        catch (ApiError e) when (e.Code == 410 && server.ExpiredWatchForm == ExpiredWatchForm.ErrorEvent)
        {
            // The other form of 410: 200, then a single ERROR event (kubernetes#25151, #35068).
            response.StatusCode = 200;
            response.ContentType = "application/json";
            await response.Body.WriteAsync(Line("ERROR", e.ToStatus()));
            await response.Body.FlushAsync();
            return;
        }

        var asTable = Tables.Wanted(context.Request.Headers.Accept);
        var timeout = TimeoutOf(query["timeoutSeconds"]);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, server.Stopping);
        using var timer = server.Time.CreateTimer(_ => CancelQuietly(stop), null, timeout, Timeout.InfiniteTimeSpan);
        using var bookmarkTimer = bookmarks && server.Options.BookmarkInterval is { } every
            ? server.Time.CreateTimer(_ => server.Store.Bookmark(sub), null, every, every)
            : null;

        response.StatusCode = 200;
        response.ContentType = asTable ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json";
        await response.StartAsync();
        await response.Body.FlushAsync();

        var eventsBeforeCut = cut?.EventsBeforeCut();
        var sent = 0;
        var firstTable = true;
        try
        {
            while (await sub.Reader.WaitToReadAsync(stop.Token))
            {
                while (sub.Reader.TryRead(out var message))
                {
                    sub.MessageSent();
                    var bytes = Encode(message, asTable, ref firstTable);
                    if (eventsBeforeCut is { } limit && sent >= limit)
                    {
                        // Cut mid-flight: half a line, then the connection goes away.
                        await response.Body.WriteAsync(bytes.AsMemory(0, Math.Max(1, bytes.Length / 2)));
                        await response.Body.FlushAsync();
                        // Give the client time to read what was sent: an abort resets the connection, and a
                        // reset can discard data the client has received but not yet read.
                        await Task.Delay(20);
                        context.Abort();
                        return;
                    }
                    await response.Body.WriteAsync(bytes, stop.Token);
                    await response.Body.FlushAsync(stop.Token);
                    sent++;
                    if (message.Type == "ERROR")
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Timeout, server stop or client gone.
        }
        finally
        {
            server.Store.Unsubscribe(sub);
        }
        if (!context.RequestAborted.IsCancellationRequested && bookmarks && !server.Stopping.IsCancellationRequested)
        {
            // The watch cache sends a last bookmark as a watch reaches its timeout, so clients resume cheaply.
            var last = new WatchMessage("BOOKMARK", null, server.Store.Revision);
            await response.Body.WriteAsync(Encode(last, asTable, ref firstTable));
            await response.Body.FlushAsync();
        }
    }

    private TimeSpan TimeoutOf(string? timeoutSeconds)
    {
        if (int.TryParse(timeoutSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }
        // apiserver handlers/get.go: minRequestTimeout * (rand + 1).
#pragma warning disable CA5394
        return server.Options.MinRequestTimeout * (Random.Shared.NextDouble() + 1);
#pragma warning restore CA5394
    }

    private byte[] Encode(WatchMessage message, bool asTable, ref bool firstTable)
    {
        JsonNode obj;
        switch (message.Type)
        {
            case "ERROR":
                obj = ApiError.Expired($"too old resource version: {message.ResourceVersion} ({message.ResourceVersion}): the watcher fell behind and was closed").ToStatus();
                break;
            case "BOOKMARK":
                obj = new JsonObject
                {
                    ["kind"] = asTable ? "Table" : def.Kind,
                    ["apiVersion"] = asTable ? "meta.k8s.io/v1" : def.ApiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = message.ResourceVersion.ToString(CultureInfo.InvariantCulture) },
                };
                break;
            default:
                if (!asTable)
                {
                    return Line(message.Type, message.Object!.Json);
                }
                obj = Tables.Build(def, [message.Object!.ToJsonObject()], server.Time.GetUtcNow(), context.Request.Query["includeObject"],
                    new JsonObject { ["resourceVersion"] = message.ResourceVersion.ToString(CultureInfo.InvariantCulture) }, noHeaders: !firstTable);
                firstTable = false;
                break;
        }
        return Line(message.Type, obj);
    }

    private static byte[] Line(string type, JsonNode obj) => Line(type, JsonSerializer.SerializeToUtf8Bytes(obj, KubeJson.Options));

    private static byte[] Line(string type, byte[] objectJson)
    {
        var prefix = Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"object\":");
        var line = new byte[prefix.Length + objectJson.Length + 2];
        prefix.CopyTo(line, 0);
        objectJson.CopyTo(line, prefix.Length);
        line[^2] = (byte)'}';
        line[^1] = Newline[0];
        return line;
    }

    private static void CancelQuietly(CancellationTokenSource cts)
    {
        try
        {
            cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The watch ended first.
        }
    }
}
