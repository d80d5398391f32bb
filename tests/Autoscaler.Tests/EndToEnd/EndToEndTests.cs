using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Autoscaler.Daemon;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Hosting;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.TestKit.FakeKube;
using RwAutoscaler.Hosting.Logging;
using Xunit;
using Xunit.Abstractions;

namespace RwAutoscaler.Autoscaler.Tests.EndToEnd;

/// <summary>
/// Every real part together: our operator and the daemon against the fake API server, a real Prometheus scraping a
/// RisingWave played by the simulator's cluster model (RisingWave's metric names, the ServiceMonitor's labels), and
/// the daemon's PromQL catalogue reading it. Times are shortened (1 s scrapes, a 5 s rate window, a 5 s scale-down
/// stabilization window) so that the whole story takes about a minute.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class EndToEndTests(ITestOutputHelper output)
{
    private const string RisingWave = """
        apiVersion: risingwave.risingwavelabs.com/v1alpha1
        kind: RisingWave
        metadata: {name: rw, namespace: streaming}
        spec:
          image: risingwavelabs/risingwave:v3.0.3
          metaStore: {memory: true}
          stateStore: {memory: true}
          components:
            meta: {nodeGroups: [{name: '', replicas: 1}]}
            frontend: {nodeGroups: [{name: '', replicas: 1}]}
            compute:
              nodeGroups:
                - name: ''
                  replicas: 1
                  template: {spec: {resources: {limits: {cpu: 2, memory: 4Gi}}}}
            compactor:
              nodeGroups:
                - name: ''
                  replicas: 1
                  template: {spec: {resources: {limits: {cpu: 1, memory: 2Gi}}}}
        """;

    // Events only at first (a 1 h tick): the alert is what starts the scale-up.
    private const string Autoscaler = """
        apiVersion: rwautoscaler.dev/v1alpha1
        kind: RisingWaveAutoscaler
        metadata: {name: rw, namespace: streaming}
        spec:
          targetRef: {name: rw}
          pollingInterval: 1h
          staleAfter: 15s
          compute:
            minReplicas: 1
            maxReplicas: 8
            policies:
              - type: utilization
                metrics: [{type: Pods, signal: cpuUtilization, averageValue: 0.6}]
                cpuInitializationPeriod: 0s
                initialReadinessDelay: 0s
            behavior:
              scaleDown: {stabilizationWindowSeconds: 5}
        """;

    private const string Alert = """
        {"version":"4","status":"firing","receiver":"rwautoscaler","groupLabels":{},"commonLabels":{},"commonAnnotations":{},
         "alerts":[{"status":"firing","labels":{"alertname":"RisingWaveBarrierLatencyHigh","namespace":"streaming","risingwave_name":"rw"},
                    "annotations":{"summary":"barrier latency p99 over 5s"},"startsAt":"2026-11-21T10:00:00Z"}]}
        """;

    [Fact]
    public async Task Load_step_alert_scale_up_scale_down_pause_pin_and_a_prometheus_outage()
    {
        var clock = Stopwatch.StartNew();
        void Say(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0}s {what}");

        await using var kube = await KubeFixture.StartAsync(new FakeApiServerOptions { WorkloadControllers = true, GarbageCollection = true });
        var logs = new StringWriter();
        var daemonLog = new StringWriter();
        using var daemonLogging = RwAutoscaler.Hosting.Logging.JsonLogging.CreateFactory(
            RwAutoscaler.Hosting.Logging.JsonLogging.CreateLogger(Serilog.Events.LogEventLevel.Debug, daemonLog));
        var operatorApp = OperatorHost.Build(new OperatorSettings { Kube = kube.Server.ClientConfig(), Listen = "http://127.0.0.1:0", LeaderElection = false }, logs);
        await operatorApp.StartAsync();
        try
        {
            await kube.RisingWaves.CreateAsync(YamlText.Parse(RisingWave, "rw").Single());
            await Eventually(async () => Running(await kube.RisingWaves.GetAsync("streaming", "rw")) == (1, 1), "the operator runs the RisingWave");

            var simulated = new SimulatedRisingWave("streaming", "rw", computeCores: 2, compactorCores: 1) { ComputeReplicas = 1, CompactorReplicas = 1 };
            await using var exporter = await RisingWaveExporter.StartAsync(simulated);
            await using var model = new ModelDrivenRisingWave(kube.Server, simulated, ModelDrivenRisingWave.FastParameters(), ingest: 400);
            await using var prometheus = await PrometheusServer.StartAsync([.. exporter.Targets(maxCompute: 8, maxCompactor: 2)]);
            if (prometheus is null)
            {
                return;
            }

            await using var daemon = await DaemonHost.StartAsync(
                new DaemonOptions
                {
                    Kube = kube.Server.ClientConfig(),
                    Prometheus = new PrometheusOptions { Address = prometheus.Address, Timeout = TimeSpan.FromSeconds(2) },
                    Catalogue = new RwAutoscaler.Autoscaler.Metrics.CatalogueOptions { RateWindow = TimeSpan.FromSeconds(5) },
                    Listen = new IPEndPoint(IPAddress.Loopback, 0),
                    WebhookToken = Encoding.UTF8.GetBytes("token"),
                    LeaderElection = false,
                    MetricsMaxAge = TimeSpan.FromMilliseconds(500),
                    MetricsRetention = TimeSpan.FromMinutes(2),
                    BackfillStep = TimeSpan.FromSeconds(2),
                },
                TimeProvider.System,
                daemonLogging);
            // Prometheus first has to have a whole rate window of the pods before the CPU signal exists.
            var catalogue = new RwAutoscaler.Autoscaler.Metrics.SignalCatalogue(new RwAutoscaler.Autoscaler.Metrics.CatalogueOptions { RateWindow = TimeSpan.FromSeconds(5) });
            using (var probe = new PrometheusClient(new PrometheusOptions { Address = prometheus.Address }))
            {
                var cpu = catalogue.Queries.Single(q => q.Signal == Signal.CpuUtilization).PromQL;
                await Eventually(async () => (await probe.QueryAsync(cpu, DateTimeOffset.UtcNow, CancellationToken.None)).Series.Count == 2, "CPU of compute and compactor in Prometheus");
            }

            await kube.Autoscalers.CreateAsync(YamlText.Parse(Autoscaler, "rwa").Single());
            await Eventually(async () => DaemonFixture.Condition(await kube.Autoscalers.GetAsync("streaming", "rw"), "MetricsAvailable") == "True", "signals read from Prometheus");
            Say($"ready; compute {await Compute(kube)}");

            // 1. A load step: nothing happens on its own (no tick for an hour), an alert gets it evaluated at once.
            model.Ingest = 2400;
            await Task.Delay(TimeSpan.FromSeconds(7));

            // The alert is about a load Prometheus already shows: on a loaded machine its scrapes run late, so wait until
            // the compute CPU it reads is over the target before alerting (else the alert's evaluation rightly holds).
            using (var probe = new PrometheusClient(new PrometheusOptions { Address = prometheus.Address }))
            {
                var cpu = catalogue.Queries.Single(q => q.Signal == Signal.CpuUtilization).PromQL;
                await Eventually(async () => (await probe.QueryAsync(cpu, DateTimeOffset.UtcNow, CancellationToken.None)).Series
                    .Any(s => s.Label("risingwave_component") == "compute" && s.Samples.Length > 0 && s.Samples[^1].Value > 0.7), "compute CPU over the target in Prometheus");
            }

            Assert.Equal(1, await Compute(kube));
            Say($"load 2400/s for 7 s, cpu {model.Last.ComputeCpu:0.00}; posting the alert");
            var posted = Stopwatch.StartNew();
            using (var http = new HttpClient())
            using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri(daemon.Address, "webhook/alertmanager")) { Content = new StringContent(Alert, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) })
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "token");
                using var response = await http.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await Eventually(async () => await Compute(kube) >= 2, "the alert's evaluation scales compute up", seconds: 5);
            Say($"scaled to {await Compute(kube)} {posted.ElapsedMilliseconds} ms after the alert");
            Assert.True(posted.Elapsed < TimeSpan.FromSeconds(3), $"the alert was acted on after {posted.Elapsed}");

            // 2. Polling every second from now on: it keeps scaling up until the cluster keeps up; the operator follows.
            await kube.Autoscalers.PatchAsync("streaming", "rw", KubePatch.Merge(new JsonObject { ["spec"] = new JsonObject { ["pollingInterval"] = "1s" } }));
            await Eventually(async () => await Compute(kube) >= 4 && Running(await kube.RisingWaves.GetAsync("streaming", "rw")).Compute == await Compute(kube)
                && simulated.ComputeReplicas == await Compute(kube), "compute large enough, running replicas at the target", seconds: 30);
            var peak = await Compute(kube);
            Assert.Equal(peak, (int?)kube.Server.ListObjects(ResourceType.StatefulSets, "streaming").Single(s => (string?)s["metadata"]!["name"] == "rw-compute")["spec"]!["replicas"]);
            Say($"compute {peak}, running {simulated.ComputeReplicas}, cpu {model.Last.ComputeCpu:0.00}, busy {model.Last.BusyRatio:0.00}");

            // 3. Load drops: down after the 5 s stabilization window, not before.
            model.Ingest = 200;
            var dropped = Stopwatch.StartNew();
            await Eventually(async () => await Compute(kube) < peak, "scale-down after the load drop", seconds: 40);
            Say($"scaled down to {await Compute(kube)} {dropped.Elapsed.TotalSeconds:0.0} s after the drop");
            Assert.True(dropped.Elapsed >= TimeSpan.FromSeconds(5), $"scaled down {dropped.Elapsed} after the drop, inside the stabilization window");
            await Eventually(async () => await Compute(kube) == 1, "down to the minimum", seconds: 30);

            // 4. Pause holds whatever the load does.
            await Annotate(kube, ("rwautoscaler.dev/paused", "true"));
            model.Ingest = 2400;
            await Eventually(async () => DaemonFixture.Condition(await kube.Autoscalers.GetAsync("streaming", "rw"), "Paused") == "True", "Paused=True");
            await Task.Delay(TimeSpan.FromSeconds(6));
            Assert.Equal(1, await Compute(kube));
            Say($"paused 6 s under load (cpu {model.Last.ComputeCpu:0.00}): compute still 1");

            // 5. A pin replaces the pause: exactly 3, whatever the policy says.
            await Annotate(kube, ("rwautoscaler.dev/paused", null), ("rwautoscaler.dev/compute-replicas", "3"));
            await Eventually(async () => await Compute(kube) == 3, "pinned at 3");
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(3, await Compute(kube));
            Say("pinned at 3");

            // 6. Prometheus down: every cluster holds and says so; back up, scaling resumes.
            await prometheus.StopAsync();
            await Annotate(kube, ("rwautoscaler.dev/compute-replicas", null));
            await Eventually(async () => DaemonFixture.ConditionReason(await kube.Autoscalers.GetAsync("streaming", "rw"), "MetricsAvailable") == "PrometheusUnavailable",
                "MetricsAvailable=False while Prometheus is down");
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.Equal(3, await Compute(kube));
            Say("Prometheus down: held at 3");
            var rescaledBefore = Rescaled(kube);
            await prometheus.StartAgainAsync();
            await Eventually(async () => DaemonFixture.Condition(await kube.Autoscalers.GetAsync("streaming", "rw"), "MetricsAvailable") == "True", "MetricsAvailable=True once Prometheus is back");
            await Eventually(() => Task.FromResult(Rescaled(kube) > rescaledBefore), "scaling resumes once Prometheus is back", seconds: 30);
            Say($"Prometheus back: compute {await Compute(kube)}");

            var events = kube.Server.ListObjects(ResourceType.Events, "streaming").Select(e => $"{e["reason"]}: {e["note"]}").ToList();
            foreach (var e in events)
            {
                output.WriteLine(e);
            }

            Assert.Contains(events, e => e.StartsWith("Rescaled: compute 1 -> ", StringComparison.Ordinal));
            Assert.Contains(events, e => e.StartsWith("MetricsUnavailable: ", StringComparison.Ordinal));
            Assert.Contains(events, e => e.StartsWith("RescaleCompleted: ", StringComparison.Ordinal));
        }
        catch (Exception)
        {
            lock (daemonLog)
            {
                foreach (var line in daemonLog.ToString().Split('\n').Where(l => l.Contains("\"@m\"", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l)!["@m"]!.ToString()).TakeLast(30))
                {
                    output.WriteLine(line);
                }
            }

            output.WriteLine((await kube.Autoscalers.GetAsync("streaming", "rw"))["status"]?.ToJsonString() ?? "no status");
            throw;
        }
        finally
        {
            await operatorApp.StopAsync();
            await operatorApp.DisposeAsync();
        }
    }

    private static int Rescaled(KubeFixture kube) =>
        kube.Server.ListObjects(ResourceType.Events, "streaming").Where(e => (string?)e["reason"] == "Rescaled").Sum(e => (int?)e["series"]?["count"] ?? 1);

    private static async Task<int> Compute(KubeFixture kube) =>
        RisingWaveState.From(await kube.RisingWaves.GetAsync("streaming", "rw")).FindGroup(ComponentKey.Compute)!.Replicas ?? 0;

    private static (int Compute, int Compactor) Running(JsonObject rw) =>
        ((int?)rw["status"]?["componentReplicas"]?["compute"]?["running"] ?? -1, (int?)rw["status"]?["componentReplicas"]?["compactor"]?["running"] ?? -1);

    private static async Task Annotate(KubeFixture kube, params (string Name, string? Value)[] annotations)
    {
        var map = new JsonObject();
        foreach (var (name, value) in annotations)
        {
            map[name] = value;
        }

        await kube.RisingWaves.PatchAsync("streaming", "rw", KubePatch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = map } }));
    }

    private static Task Eventually(Func<Task<bool>> condition, string what, double seconds = 20) => DaemonFixture.EventuallyAsync(condition, what, seconds);
}
