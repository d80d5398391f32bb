using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>Routes a request by the API's URL layout, applies faults, and answers with objects or Status bodies.</summary>
internal sealed class ApiHandler(FakeApiServer server)
{
    private static readonly TimeSpan ContinueTokenLifetime = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Created, long Revision, List<StoredObject> Items)> snapshots = new();

    private ResourceOperations Ops => server.Operations;

    private ResourceRegistry Registry => server.Operations.Registry;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        try
        {
            await RouteAsync(context);
        }
        catch (ApiError e)
        {
            if (!context.Response.HasStarted)
            {
                if (e.RetryAfterSeconds is { } retry)
                {
                    context.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
                }
                await WriteJsonAsync(context, e.Code, e.ToStatus());
            }
        }
        finally
        {
            server.Record(new RecordedRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "",
                request.Headers.Accept.ToString(), request.ContentType, request.Headers.UserAgent.ToString(), context.Response.StatusCode)
            {
                Authorization = request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
                ClientCertificate = context.Connection.ClientCertificate?.Subject,
            });
        }
    }

    private async Task RouteAsync(HttpContext context)
    {
        var request = context.Request;
        var segments = (request.Path.Value ?? "").Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group, version;
        string[] rest;
        switch (segments)
        {
            case ["version"]:
                await WriteJsonAsync(context, 200, Discovery.Version());
                return;
            case ["api"]:
                await WriteJsonAsync(context, 200, Discovery.CoreVersions($"{request.Host}"));
                return;
            case ["apis"]:
                await WriteJsonAsync(context, 200, Discovery.Groups(Registry));
                return;
            case ["openapi", "v3"]:
                await WriteJsonAsync(context, 200, OpenApi.Root(Registry));
                return;
            case ["openapi", "v3", "api", var v]:
                await WriteJsonAsync(context, 200, OpenApi.Document(Registry, "", v) ?? throw ApiError.UnknownPath());
                return;
            case ["openapi", "v3", "apis", var g, var v]:
                await WriteJsonAsync(context, 200, OpenApi.Document(Registry, g, v) ?? throw ApiError.UnknownPath());
                return;
            case ["apis", var g]:
                await WriteJsonAsync(context, 200, Discovery.Group(Registry, g) ?? throw ApiError.UnknownPath());
                return;
            case ["api", var v, ..]:
                (group, version, rest) = ("", v, segments[2..]);
                break;
            case ["apis", var g, var v, ..]:
                (group, version, rest) = (g, v, segments[3..]);
                break;
            default:
                throw ApiError.UnknownPath();
        }
        if (!Registry.ServesGroupVersion(group, version))
        {
            throw ApiError.UnknownPath();
        }
        if (rest.Length == 0)
        {
            await WriteJsonAsync(context, 200, Discovery.ResourceList(Registry, group, version));
            return;
        }

        ResourceDefinition? def;
        string? ns = null;
        string? name;
        string? sub;
        if (rest is ["namespaces", _, var plural, ..] && Registry.Find(group, version, plural) is { Namespaced: true } namespaced)
        {
            def = namespaced;
            ns = rest[1];
            name = rest.ElementAtOrDefault(3);
            sub = rest.ElementAtOrDefault(4);
            if (rest.Length > 5)
            {
                throw ApiError.UnknownPath();
            }
        }
        else
        {
            def = Registry.Find(group, version, rest[0]);
            name = rest.ElementAtOrDefault(1);
            sub = rest.ElementAtOrDefault(2);
            if (def is null || rest.Length > 3 || (def.Namespaced && name is not null))
            {
                throw ApiError.UnknownPath();
            }
        }
        if (sub is not null && !(sub == "status" && def.StatusSubresource) && !(sub == "scale" && def.Scale is not null))
        {
            throw ApiError.UnknownPath();
        }

        var verb = (request.Method, name) switch
        {
            ("GET", null) => request.Query["watch"] is var w && (w == "1" || w == "true") ? "watch" : "list",
            ("GET", _) => "get",
            ("POST", null) => "create",
            ("PUT", not null) => "update",
            ("PATCH", not null) => "patch",
            ("DELETE", not null) => "delete",
            ("DELETE", null) => "deletecollection",
            _ => throw ApiError.MethodNotAllowed($"the server does not allow this method on the requested resource"),
        };

        FaultAction.CutWatch? cut = null;
        switch (server.Faults.Match(verb, request))
        {
            case FaultAction.Respond r:
                var error = StatusFor(r.StatusCode, def, name);
                if (r.RetryAfter is { } after)
                {
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }
                await WriteJsonAsync(context, r.StatusCode, error);
                return;
            case FaultAction.Delay d:
                await Task.Delay(d.Latency, context.RequestAborted);
                break;
            case FaultAction.Drop:
                context.Abort();
                return;
            case FaultAction.CutWatch c:
                cut = c;
                break;
        }

        var scopeNs = def.Namespaced ? ns : null;
        switch (verb)
        {
            case "get":
                await GetAsync(context, def, scopeNs ?? "", name!, sub);
                break;
            case "list":
                await ListAsync(context, def, scopeNs);
                break;
            case "watch":
                await new WatchStream(server, def, scopeNs, request.Query, context).RunAsync(cut);
                break;
            case "create":
                if (ns is null && def.Namespaced)
                {
                    throw ApiError.MethodNotAllowed("the server does not allow this method on the requested resource");
                }
                var created = Ops.Create(def, ns ?? "", await ReadObjectAsync(context, def));
                await WriteRawAsync(context, 201, created.Json);
                break;
            case "update":
                var body = await ReadObjectAsync(context, sub == "scale" ? null : def);
                if (sub == "scale")
                {
                    await WriteJsonAsync(context, 200, SubresourceOperations.UpdateScale(Ops, def, scopeNs ?? "", name!, body));
                }
                else
                {
                    await WriteRawAsync(context, 200, Ops.Update(def, scopeNs ?? "", name!, body, sub).Json);
                }
                break;
            case "patch":
                var patch = await ReadTextAsync(context);
                if (sub == "scale")
                {
                    await WriteJsonAsync(context, 200, SubresourceOperations.PatchScale(Ops, def, scopeNs ?? "", name!, request.ContentType, patch));
                }
                else
                {
                    await WriteRawAsync(context, 200, SubresourceOperations.Patch(Ops, def, scopeNs ?? "", name!, sub, request.ContentType, patch).Json);
                }
                break;
            case "delete":
                await DeleteAsync(context, def, scopeNs ?? "", name!);
                break;
            default:
                throw ApiError.MethodNotAllowed("deletecollection is not implemented by the fake API server");
        }
    }

    private async Task GetAsync(HttpContext context, ResourceDefinition def, string ns, string name, string? sub)
    {
        if (sub == "scale")
        {
            await WriteJsonAsync(context, 200, SubresourceOperations.GetScale(Ops, def, ns, name));
            return;
        }
        var obj = Ops.Get(def, ns, name);
        if (Tables.Wanted(context.Request.Headers.Accept))
        {
            await WriteJsonAsync(context, 200, Tables.Build(def, [obj.ToJsonObject()], server.Time.GetUtcNow(), context.Request.Query["includeObject"], null), TableContentType);
            return;
        }
        await WriteRawAsync(context, 200, obj.Json);
    }

    private const string TableContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

    private async Task ListAsync(HttpContext context, ResourceDefinition def, string? ns)
    {
        var query = context.Request.Query;
        if (query["sendInitialEvents"] == "true")
        {
            throw ApiError.Invalid(def, "", ("sendInitialEvents", "FieldValueForbidden", "Forbidden: sendInitialEvents is forbidden for list"));
        }
        var labels = LabelSelectorExpression.Parse(query["labelSelector"]);
        var fields = FieldSelectorExpression.Parse(query["fieldSelector"]);
        var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l > 0 ? l : (int?)null;

        long revision;
        List<StoredObject> items;
        var offset = 0;
        var token = (string?)query["continue"];
        if (!string.IsNullOrEmpty(token))
        {
            var (id, start) = ParseContinue(token);
            if (!snapshots.TryGetValue(id, out var snapshot) || server.Time.GetUtcNow() - snapshot.Created > ContinueTokenLifetime)
            {
                snapshots.TryRemove(id, out _);
                throw ApiError.Expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
            }
            (revision, items, offset) = (snapshot.Revision, snapshot.Items, start);
        }
        else
        {
            (revision, items) = server.Store.List(def, ns, o => labels.Matches(o.Labels) && fields.Matches(o));
        }

        var page = limit is { } n ? items.Skip(offset).Take(n).ToList() : items.Skip(offset).ToList();
        string? next = null;
        if (limit is not null && offset + page.Count < items.Count)
        {
            var id = string.IsNullOrEmpty(token) ? Guid.NewGuid().ToString("N") : ParseContinue(token).Id;
            var now = server.Time.GetUtcNow();
            foreach (var (old, snapshot) in snapshots)
            {
                if (now - snapshot.Created > ContinueTokenLifetime)
                {
                    snapshots.TryRemove(old, out _);
                }
            }
            snapshots.TryAdd(id, (now, revision, items));
            next = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{offset + page.Count}"));
        }
        var rvText = revision.ToString(CultureInfo.InvariantCulture);

        if (Tables.Wanted(context.Request.Headers.Accept))
        {
            var meta = new JsonObject { ["resourceVersion"] = rvText };
            if (next is not null)
            {
                meta["continue"] = next;
            }
            var table = Tables.Build(def, page.Select(o => o.ToJsonObject()), server.Time.GetUtcNow(), query["includeObject"], meta);
            await WriteJsonAsync(context, 200, table, TableContentType);
            return;
        }

        // Written by hand: items are stored pre-serialised, and built-in items lack kind/apiVersion.
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("kind", def.ListKind);
        writer.WriteString("apiVersion", def.ApiVersion);
        writer.WriteStartObject("metadata");
        writer.WriteString("resourceVersion", rvText);
        if (next is not null)
        {
            writer.WriteString("continue", next);
            writer.WriteNumber("remainingItemCount", items.Count - offset - page.Count);
        }
        writer.WriteEndObject();
        writer.WriteStartArray("items");
        foreach (var item in page)
        {
            writer.WriteRawValue(item.ItemJson, skipInputValidation: true);
            if (writer.BytesPending > 64 * 1024)
            {
                await writer.FlushAsync(context.RequestAborted);
            }
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private static (string Id, int Start) ParseContinue(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var parts = text.Split(':');
            return (parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
        {
            throw ApiError.BadRequest($"continue key is not valid: {e.Message}");
        }
    }

    private async Task DeleteAsync(HttpContext context, ResourceDefinition def, string ns, string name)
    {
        JsonObject? options = null;
        var text = await ReadTextAsync(context);
        if (!string.IsNullOrWhiteSpace(text))
        {
            options = ParseObject(text, "DeleteOptions", "v1");
        }
        var (obj, removed) = Ops.Delete(def, ns, name, options, context.Request.Query["propagationPolicy"]);
        if (!removed || def.ReturnsDeletedObject)
        {
            await WriteRawAsync(context, 200, obj.Json);
            return;
        }
        var details = new JsonObject { ["name"] = name };
        if (def.Group.Length > 0)
        {
            details["group"] = def.Group;
        }
        details["kind"] = def.Plural;
        details["uid"] = obj.Uid;
        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        });
    }

    private static JsonObject StatusFor(int code, ResourceDefinition def, string? name)
    {
        var (reason, message) = code switch
        {
            400 => ("BadRequest", "injected fault: bad request"),
            401 => ("Unauthorized", "Unauthorized"),
            403 => ("Forbidden", $"{def.GroupResource} \"{name}\" is forbidden: injected fault"),
            404 => ("NotFound", $"{def.GroupResource} \"{name}\" not found"),
            409 => ("Conflict", $"Operation cannot be fulfilled on {def.GroupResource} \"{name}\": {ApiError.OptimisticLockErrorMsg}"),
            410 => ("Expired", "too old resource version: 1 (2)"),
            429 => ("TooManyRequests", "Too many requests, please try again later."),
            500 => ("InternalError", "Internal error occurred: injected fault"),
            503 => ("ServiceUnavailable", "The server is currently unable to handle the request"),
            504 => ("Timeout", "Timeout: request did not complete within the allowed duration"),
            _ => ("Unknown", $"injected fault {code}"),
        };
        return new ApiError(code, reason, message, new JsonObject { ["name"] = name ?? "", ["kind"] = def.Plural }).ToStatus();
    }

    private static async Task<string> ReadTextAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context, ResourceDefinition? def)
    {
        var contentType = context.Request.ContentType?.Split(';')[0].Trim();
        if (contentType is not (null or "application/json" or "application/yaml"))
        {
            throw ApiError.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml");
        }
        return ParseObject(await ReadTextAsync(context), def?.Kind ?? "Scale", def?.Version ?? "v1");
    }

    private static JsonObject ParseObject(string text, string kind, string version)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw ApiError.BadRequest($"{kind} in version \"{version}\" cannot be handled as a {kind}: the body is not a JSON object");
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"{kind} in version \"{version}\" cannot be handled as a {kind}: {e.Message}");
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, int code, JsonNode body, string contentType = "application/json")
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = contentType;
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body, KubeJson.Options));
    }

    private static async Task WriteRawAsync(HttpContext context, int code, byte[] json)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(json);
    }
}
