using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Autoscaler.Webhook;
using RwAutoscaler.Policies.Model;
using Xunit;
using static RwAutoscaler.Autoscaler.Tests.Daemon.DaemonScalingTests;

namespace RwAutoscaler.Autoscaler.Tests.Daemon;

/// <summary>The Alertmanager webhook: an alert naming a cluster gets it evaluated at once; bad requests get clear 4xx answers.</summary>
public sealed class WebhookTests
{
    private const string Alert = """
        {"version":"4","groupKey":"{}:{alertname=\"BarrierLatencyHigh\"}","status":"firing","receiver":"rwautoscaler",
         "groupLabels":{"alertname":"BarrierLatencyHigh"},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://alertmanager:9093",
         "alerts":[{"status":"firing","labels":{"alertname":"BarrierLatencyHigh","namespace":"streaming","risingwave_name":"rw"},
                    "annotations":{},"startsAt":"2026-11-21T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"1"}]}
        """;

    private static async Task<HttpResponseMessage> PostAsync(DaemonFixture daemon, string body, string? token = DaemonFixture.Token, string contentType = "application/json", HttpMethod? method = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, new Uri(daemon.Host.Address, AlertmanagerWebhook.Path.TrimStart('/')))
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    [Fact]
    public async Task An_alert_gets_its_cluster_evaluated_at_once_not_at_the_next_tick()
    {
        await using var daemon = await DaemonFixture.StartAsync();
        await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", "rw", compute: 2));
        await daemon.Kube.SettleAsync("streaming", "rw");
        daemon.Prometheus!.Set(Rw, Signal.CpuUtilization, 0.5, ComponentKind.Compute);
        await daemon.ApplyAsync(AutoscalerYaml().Replace("pollingInterval: 1s", "pollingInterval: 1h", StringComparison.Ordinal));
        await DaemonFixture.EventuallyAsync(async () => DaemonFixture.Condition(await daemon.AutoscalerAsync(), "Ready") == "True", "first evaluation");
        // An informer updates its cache before it hands the event on: the RisingWave's own events may still queue one
        // more evaluation (seen under load). Only once nothing has run for a while is the next one the alert's.
        await QuietAsync(daemon);

        daemon.Prometheus.Set(Rw, Signal.CpuUtilization, 0.9, ComponentKind.Compute);
        await Task.Delay(1000);
        Assert.Equal(2, await daemon.ComputeReplicasAsync());

        using var response = await PostAsync(daemon, Alert);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("streaming/rw-autoscaler", (string?)answer["evaluating"]![0]);
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "scaled by the alert's evaluation", seconds: 5);
        // Observed once the patch's answer is back, which can be just after the fake shows the new replicas.
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Host.Metrics.AlertToPatchSeconds.Count == 1), "alert-to-patch observed", seconds: 5);
        Assert.Equal(1, daemon.Host.Metrics.Alerts.WithLabels("evaluated").Value);
    }

    [Fact]
    public async Task An_alert_about_one_of_many_clusters_fetches_only_its_signals()
    {
        await using var daemon = await DaemonFixture.StartAsync(o => o with { MetricsMaxAge = TimeSpan.FromMinutes(10) });
        for (var i = 0; i < 6; i++)
        {
            var name = i == 0 ? "rw" : $"rw-{i}";
            await daemon.Kube.RisingWaves.CreateAsync(KubeFixture.RisingWave("streaming", name, compute: 2));
            daemon.Prometheus!.Set(new("streaming", name), Signal.CpuUtilization, 0.5, ComponentKind.Compute);
            await daemon.ApplyAsync(AutoscalerYaml().Replace("pollingInterval: 1s", "pollingInterval: 1h", StringComparison.Ordinal)
                .Replace("name: rw-autoscaler", $"name: {name}", StringComparison.Ordinal).Replace("targetRef: {name: rw}", $"targetRef: {{name: {name}}}", StringComparison.Ordinal));
        }

        await DaemonFixture.EventuallyAsync(async () => (await daemon.Kube.Autoscalers.ListAsync("streaming")).Items.All(a => DaemonFixture.Condition(a, "Ready") == "True"), "all evaluated");
        daemon.Prometheus!.Set(Rw, Signal.CpuUtilization, 0.9, ComponentKind.Compute);
        var before = daemon.Prometheus.RestrictedCount;
        using var response = await PostAsync(daemon, Alert);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await DaemonFixture.EventuallyAsync(async () => await daemon.ComputeReplicasAsync() == 4, "the alerted cluster scaled", seconds: 5);
        Assert.Equal(Policies.Model.SignalNames.Count, daemon.Prometheus.RestrictedCount - before);
    }

    private static readonly (string Method, string Body, string? Token, string ContentType, int Code, string Message)[] BadRequests =
    [
        ("GET", Alert, DaemonFixture.Token, "application/json", 405, "use POST"),
        ("POST", Alert, null, "application/json", 401, "bearer token"),
        ("POST", Alert, "wrong", "application/json", 401, "bearer token"),
        ("POST", Alert, DaemonFixture.Token, "text/plain", 415, "Content-Type must be application/json"),
        ("POST", "{\"alerts\": [", DaemonFixture.Token, "application/json", 400, "the body is not JSON"),
        ("POST", "[]", DaemonFixture.Token, "application/json", 400, "expected Alertmanager's webhook payload"),
        ("POST", "{\"version\": \"3\", \"alerts\": []}", DaemonFixture.Token, "application/json", 400, "version: expected \\\"4\\\""),
        ("POST", "{\"version\": \"4\"}", DaemonFixture.Token, "application/json", 400, "alerts: required"),
        ("POST", "{\"alerts\": [{\"labels\": \"x\"}]}", DaemonFixture.Token, "application/json", 400, "alerts[0].labels: required, a map"),
        ("POST", "{\"alerts\": [{\"labels\": {\"namespace\": 5}}]}", DaemonFixture.Token, "application/json", 400, "alerts[0].labels.namespace: must be a string"),
        ("POST", "{\"alerts\": [{\"labels\": {}, \"status\": \"maybe\"}]}", DaemonFixture.Token, "application/json", 400, "alerts[0].status: must be firing or resolved"),
        ("POST", "{\"alerts\": [{\"labels\": {\"a\": \"" + new string('x', 2 << 20) + "\"}}]}", DaemonFixture.Token, "application/json", 413, "at most"),
        ("POST", "{\"alerts\": [{\"labels\": {\"alertname\": \"X\"}}]}", DaemonFixture.Token, "application/json", 200, "no namespace and risingwave_name labels"),
        ("POST", "{\"alerts\": [{\"labels\": {\"namespace\": \"streaming\", \"risingwave_name\": \"nope\"}}]}", DaemonFixture.Token, "application/json", 200, "no RisingWaveAutoscaler sizes streaming/nope"),
        ("POST", "{\"alerts\": [{\"status\": \"resolved\", \"labels\": {\"namespace\": \"streaming\", \"risingwave_name\": \"rw\"}}]}", DaemonFixture.Token, "application/json", 200, "resolved"),
    ];

    [Fact]
    public async Task Bad_requests_get_clear_client_errors_and_change_nothing()
    {
        await using var daemon = await DaemonFixture.StartAsync();
        await DaemonFixture.EventuallyAsync(() => Task.FromResult(daemon.Host.IsLeader), "leading");
        foreach (var (method, body, token, contentType, code, message) in BadRequests)
        {
            using var response = await PostAsync(daemon, body, token, contentType, new HttpMethod(method));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(code == (int)response.StatusCode, $"{method} {body[..Math.Min(60, body.Length)]}: expected {code}, got {(int)response.StatusCode} {text}");
            Assert.Contains(message, text, StringComparison.Ordinal);
        }

        Assert.True(daemon.Host.Completion.Status == TaskStatus.WaitingForActivation, "the daemon keeps running");
        Assert.DoesNotContain(daemon.Kube.Server.Requests, r => r.Method is "PATCH" or "PUT" && r.Path.Contains("/risingwaves/", StringComparison.Ordinal));
    }

    // Until no batch has run for half a second and nothing waits in the queue.
    private static async Task QuietAsync(DaemonFixture daemon)
    {
        await DaemonFixture.EventuallyAsync(async () =>
        {
            var before = daemon.Host.Scheduler.Batches;
            await Task.Delay(500);
            return before == daemon.Host.Scheduler.Batches && daemon.Host.Queue.Ready == 0;
        }, "no evaluation for half a second");
    }
}
