using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RwAutoscaler.Autoscaler.Daemon;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Telemetry;

namespace RwAutoscaler.Autoscaler.Webhook;

/// <summary>
/// Alertmanager's webhook receiver (payload version 4): <c>POST</c> with <c>Authorization: Bearer &lt;token&gt;</c> and a
/// JSON body of at most <see cref="MaxBody"/> bytes. Each firing alert whose labels name a cluster (the catalogue's
/// namespace and cluster labels, e.g. <c>namespace</c> and <c>risingwave_name</c>) has that cluster evaluated at once.
/// A bad request gets a 4xx that says what is wrong (Alertmanager does not retry those); a standby replica answers 503
/// so that Alertmanager retries until the leader gets it. With shards, an alert for another member's autoscaler is
/// passed on to it (<see cref="Forwarder"/>); when that fails the answer is 503, and Alertmanager sends it again.
/// </summary>
internal sealed class AlertmanagerWebhook(
    byte[] token, CatalogueOptions labels, Func<bool> isLeader, Func<ClusterRef, IReadOnlyList<ClusterRef>> autoscalersOf,
    Action<ClusterRef, DateTimeOffset> evaluate, TimeProvider time, DaemonMetrics metrics)
{
    public const string Path = "/webhook/alertmanager";

    // Plain quotes in messages: the answers are read by people with curl, never embedded in HTML.
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public int MaxBody { get; init; } = 1 << 20;

    /// <summary>With shards: where each autoscaler is evaluated, and how alerts reach its owner.</summary>
    public AlertForwarder? Forwarder { get; init; }

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (code, body) = await AnswerAsync(context);
        metrics.WebhookRequests.WithLabels(code.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    private async Task<(int Code, string Body)> AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = "POST";
            return (405, Error($"use POST, not {request.Method}"));
        }

        if (!Authorized(request))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return (401, Error("missing or wrong bearer token (Authorization: Bearer <token>, as in Alertmanager's http_config.authorization)"));
        }

        if (!isLeader())
        {
            context.Response.Headers.RetryAfter = "5";
            return (503, Error("this replica is on standby; Alertmanager retries and reaches the leader"));
        }

        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (415, Error($"Content-Type must be application/json, got '{request.ContentType ?? "(none)"}'"));
        }

        var receivedAt = time.GetUtcNow();
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        var total = 0L;
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            // Past the limit the rest is read and dropped (Kestrel bounds it), so that the sender gets the 413 rather
            // than a connection reset in the middle of its upload.
            total += read;
            if (total <= MaxBody)
            {
                buffer.Write(chunk, 0, read);
            }
        }

        if (total > MaxBody)
        {
            return (413, Error($"the body is {total} bytes; at most {MaxBody} are accepted (lower max_alerts in Alertmanager)"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException e)
        {
            return (400, Error($"the body is not JSON: {e.Message}"));
        }

        using (document)
        {
            var forwardedBy = request.Headers[AlertForwarder.Header].ToString();
            return await ProcessAsync(document.RootElement, receivedAt, forwardedBy.Length > 0 ? forwardedBy : null, context.Response, context.RequestAborted);
        }
    }

    private async Task<(int Code, string Body)> ProcessAsync(
        JsonElement root, DateTimeOffset receivedAt, string? forwardedBy, HttpResponse response, CancellationToken cancellationToken)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (400, Error($"expected Alertmanager's webhook payload (a JSON object), got {root.ValueKind}"));
        }

        if (root.TryGetProperty("version", out var version) && (version.ValueKind != JsonValueKind.String || version.GetString() != "4"))
        {
            return (400, Error($"version: expected \"4\" (Alertmanager's webhook payload), got {version.GetRawText()}"));
        }

        if (!root.TryGetProperty("alerts", out var alerts) || alerts.ValueKind != JsonValueKind.Array)
        {
            return (400, Error("alerts: required, a list of alerts each with labels"));
        }

        var problems = new List<string>();
        var index = 0;
        foreach (var alert in alerts.EnumerateArray())
        {
            var path = $"alerts[{index++}]";
            if (alert.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path}: must be an object");
            }
            else if (!alert.TryGetProperty("labels", out var l) || l.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path}.labels: required, a map of label names to strings");
            }
            else if (l.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.String).Select(p => p.Name).FirstOrDefault() is { } bad)
            {
                problems.Add($"{path}.labels.{bad}: must be a string");
            }
            else if (alert.TryGetProperty("status", out var s) && (s.ValueKind != JsonValueKind.String || s.GetString() is not ("firing" or "resolved")))
            {
                problems.Add($"{path}.status: must be firing or resolved, got {s.GetRawText()}");
            }
        }

        if (problems.Count > 0)
        {
            return (400, Error(string.Join("; ", problems.Take(10)) + (problems.Count > 10 ? $"; and {problems.Count - 10} more" : "")));
        }

        var evaluating = new SortedSet<string>(StringComparer.Ordinal);
        var forwarding = new SortedDictionary<string, (Uri Address, List<string> Alerts, SortedSet<string> Autoscalers)>(StringComparer.Ordinal);
        var ignored = new List<object>();
        index = 0;
        foreach (var alert in alerts.EnumerateArray())
        {
            var i = index++;
            var labelSet = alert.GetProperty("labels");
            var name = labelSet.TryGetProperty("alertname", out var a) ? a.GetString() : null;
            if (alert.TryGetProperty("status", out var s) && s.GetString() == "resolved")
            {
                metrics.Alerts.WithLabels("resolved").Inc();
                ignored.Add(new { alert = i, alertname = name, reason = "resolved" });
                continue;
            }

            var ns = labelSet.TryGetProperty(labels.NamespaceLabel, out var n) ? n.GetString() : null;
            var cluster = labelSet.TryGetProperty(labels.ClusterLabel, out var c) ? c.GetString() : null;
            if (string.IsNullOrEmpty(ns) || string.IsNullOrEmpty(cluster))
            {
                metrics.Alerts.WithLabels("unlabelled").Inc();
                ignored.Add(new { alert = i, alertname = name, reason = $"no {labels.NamespaceLabel} and {labels.ClusterLabel} labels to name a cluster" });
                continue;
            }

            var autoscalers = autoscalersOf(new ClusterRef(ns, cluster));
            if (autoscalers.Count == 0)
            {
                metrics.Alerts.WithLabels("unknown_cluster").Inc();
                ignored.Add(new { alert = i, alertname = name, reason = $"no RisingWaveAutoscaler sizes {ns}/{cluster}" });
                continue;
            }

            foreach (var autoscaler in autoscalers)
            {
                var placement = Forwarder?.Place(autoscaler) ?? AlertPlacement.Local;
                if (placement.Here)
                {
                    evaluate(autoscaler, receivedAt);
                    metrics.Alerts.WithLabels("evaluated").Inc();
                    evaluating.Add(autoscaler.ToString());
                }
                else if (placement.Owner is null || placement.Address is null || forwardedBy is not null)
                {
                    // Nobody to pass it to: the owner's next poll evaluates it (a forwarded alert is never passed on again).
                    metrics.Alerts.WithLabels("not_owned").Inc();
                    ignored.Add(new
                    {
                        alert = i,
                        alertname = name,
                        reason = placement.Owner is null ? $"no live shard owns {autoscaler} yet"
                            : forwardedBy is not null ? $"{autoscaler} is owned by {placement.Owner}, not here (forwarded by {forwardedBy})"
                            : $"{autoscaler} is owned by {placement.Owner}, whose membership Lease has no address",
                    });
                }
                else
                {
                    if (!forwarding.TryGetValue(placement.Owner, out var batch))
                    {
                        forwarding[placement.Owner] = batch = (placement.Address, [], new SortedSet<string>(StringComparer.Ordinal));
                    }

                    if (batch.Alerts.Count == 0 || batch.Alerts[^1] != alert.GetRawText())
                    {
                        batch.Alerts.Add(alert.GetRawText());
                    }

                    batch.Autoscalers.Add(autoscaler.ToString());
                }
            }
        }

        var failures = new List<string>();
        foreach (var (owner, batch) in forwarding)
        {
            if (await Forwarder!.ForwardAsync(batch.Address, batch.Alerts, cancellationToken) is { } failure)
            {
                failures.Add($"{owner}: {failure}");
            }
            else
            {
                metrics.Alerts.WithLabels("forwarded").Inc(batch.Autoscalers.Count);
            }
        }

        if (failures.Count > 0)
        {
            // Those evaluated here are queued already; evaluating them again when Alertmanager retries is harmless.
            response.Headers.RetryAfter = "5";
            return (503, Error($"could not pass alerts on to their shard owner ({string.Join("; ", failures)}); Alertmanager retries"));
        }

        var forwarded = forwarding.ToDictionary(f => f.Key, f => f.Value.Autoscalers);
        return (200, forwarding.Count == 0
            ? JsonSerializer.Serialize(new { evaluating, ignored }, Json)
            : JsonSerializer.Serialize(new { evaluating, forwarded, ignored }, Json));
    }

    private bool Authorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = Encoding.UTF8.GetBytes(header[7..].Trim());
        return token.Length > 0 && CryptographicOperations.FixedTimeEquals(given, token);
    }

    private static string Error(string message) => JsonSerializer.Serialize(new { error = message }, Json);
}
