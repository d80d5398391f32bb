using System.Text.Json.Nodes;
using RwAutoscaler.Chart.Tests.Rendering;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Chart.Tests.Support;

/// <summary>
/// The real <c>rw-operator</c> and two replicas of <c>autoscaler run</c> (sharded, as the chart runs them)
/// against the fake API server, driven through every path that talks to the API: the examples/complete RisingWave
/// and RisingWaveAutoscaler, a pinned scale (a JSON patch of the RisingWave), a group locked by a RisingWaveScaleView
/// (its scale subresource), spec.prometheus credentials from a Secret, a Prometheus outage that repeats an event (an
/// event series patch), node groups removed (workloads deleted), write conflicts (fresh reads), and a graceful stop
/// (the lease released). Every request is recorded; the operator's and the daemon's are told apart by User-Agent.
/// </summary>
internal sealed class ClusterFlow
{
    public const string ReleaseNamespace = "rwautoscaler";
    public const string Namespace = "streaming";
    internal static readonly ResourceType Crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false);
    internal static readonly ResourceType RisingWaves = new("risingwave.risingwavelabs.com", "v1alpha1", "risingwaves", "RisingWave");
    internal static readonly ResourceType ScaleViews = new("risingwave.risingwavelabs.com", "v1alpha1", "risingwavescaleviews", "RisingWaveScaleView");
    internal static readonly ResourceType Autoscalers = new("rwautoscaler.dev", "v1alpha1", "risingwaveautoscalers", "RisingWaveAutoscaler");
    internal static readonly ResourceType Secrets = new("", "v1", "secrets", "Secret");

    public required IReadOnlyList<ApiCall> DaemonCalls { get; init; }

    public required IReadOnlyList<ApiCall> OperatorCalls { get; init; }

    public required string DaemonOutput { get; init; }

    /// <summary>What the daemon's and the operator's /metrics served at the end of the flow.</summary>
    public required string DaemonMetrics { get; init; }

    public required string OperatorMetrics { get; init; }

    public required string OperatorOutput { get; init; }

    private static readonly Lazy<Task<ClusterFlow>> Recorded = new(RunAsync);

    /// <summary>The flow runs once per test run (it takes seconds); tests share its recording (or its failure).</summary>
    public static Task<ClusterFlow> RecordedAsync() => Recorded.Value;

    /// <summary>Creates the chart's CRDs in the fake, as the chart's crds/ folder does on install.</summary>
    internal static async Task InstallCrdsAsync(KubernetesClient client)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Repository.ChartDirectory, "crds"), "*.yaml"))
        {
            await client.Resource(Crds).CreateAsync((JsonObject)YamlText.Parse(await File.ReadAllTextAsync(file), file).Single());
        }
    }

    private static async Task<ClusterFlow> RunAsync()
    {
        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { WorkloadControllers = true, GarbageCollection = true });
        server.CreateNamespace(ReleaseNamespace);
        server.CreateNamespace(Namespace);
        // Its own User-Agent, so that the test's requests are not mistaken for the daemon's (both use the Kube client).
        using var client = server.CreateClient(new KubeClientOptions { UserAgent = "chart-tests" });
        await InstallCrdsAsync(client);

        // The upstream operator's ScaleView, which neither of our processes defines (risingwave.md section 1.2).
        server.RegisterCustomResource(new CustomResourceDefinition
        {
            Group = "risingwave.risingwavelabs.com", Version = "v1alpha1", Kind = "RisingWaveScaleView", Plural = "risingwavescaleviews",
            ShortNames = ["rwsv"], StatusSubresource = true, Scale = new ScaleSubresource(".spec.replicas", ".status.replicas", ".spec.labelSelector"),
        });
        await client.Resource(Secrets).CreateAsync(new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = "prometheus-token", ["namespace"] = Namespace },
            ["stringData"] = new JsonObject { ["token"] = "t0ken" },
        });

        await using var prometheus = await FakePrometheus.StartAsync((Namespace, "rw-prod"), (Namespace, "rw-locked"));
        var work = Directory.CreateTempSubdirectory("chart-flow-");
        try
        {
            var kubeconfig = server.WriteKubeconfig(Path.Combine(work.FullName, "kubeconfig"), ReleaseNamespace);
            var tokenFile = Path.Combine(work.FullName, "webhook-token");
            await File.WriteAllTextAsync(tokenFile, "s3cret");
            // Port 0 everywhere: the processes say where they listen, and many test processes can run at once.
            var operatorArgs = new[] { "--kubeconfig", kubeconfig, "--listen", "http://127.0.0.1:0", "--leader-elect", "true", "--lease-namespace", ReleaseNamespace, "--resync-seconds", "600" };
            var daemonArgs = new[]
            {
                "run", "--kubeconfig", kubeconfig, "--listen", "127.0.0.1:0", "--prometheus-url", prometheus.Address.ToString(), "--leader-elect=true",
                "--lease-namespace", ReleaseNamespace, "--webhook-token-file", tokenFile, "--metrics-retention", "2m", "--metrics-max-age", "200ms",

                // Sharded, as the chart runs two replicas (short leases: a member acts a lease duration after it joined).
                "--shards", "--lease-duration", "3s", "--renew-deadline", "2s", "--retry-period", "500ms",
            };
            var environment = new Dictionary<string, string> { ["POD_NAMESPACE"] = ReleaseNamespace };
            await using var op = ChildProcess.Start(ChildProcess.Assembly("Operator", "rw-operator"), operatorArgs, environment);
            await using var daemon1 = ChildProcess.Start(ChildProcess.Assembly("Autoscaler", "autoscaler"), daemonArgs, environment);
            await using var daemon2 = ChildProcess.Start(ChildProcess.Assembly("Autoscaler", "autoscaler"), daemonArgs, environment);
            string Logs() => $"operator:\n{Tail(op.Output)}\ndaemon 1:\n{Tail(daemon1.Output)}\ndaemon 2:\n{Tail(daemon2.Output)}\nevents:\n"
                + string.Join('\n', server.ListObjects(new ResourceType("events.k8s.io", "v1", "events", "Event"), Namespace)
                    .Select(e => $"{e["reportingController"]} {e["reason"]} {e["regarding"]?["name"]} series={e["series"]?.ToJsonString()} {e["note"]}"));

            // Conflicts, as a busy cluster has them: the first status write, workload and Service update, and ConfigMap
            // create (already exists) each get a 409, so the processes' fresh-read paths run too.
            var conflicts = new[] { ("update", "/risingwaves/"), ("update", "/statefulsets/"), ("update", "/deployments/"), ("update", "/services/"), ("create", "/configmaps") }
                .Select(c => server.Faults.Add(FaultRule.Respond(409) with { Verb = c.Item1, PathContains = c.Item2, Times = 1 }))
                .ToList();

            // The complete example, active, with a pin so that the daemon changes replicas whatever the signals say.
            var examples = Path.Combine(Repository.PathOf("examples/complete"));
            var rw = (JsonObject)YamlText.Parse(await File.ReadAllTextAsync(Path.Combine(examples, "risingwave.yaml")), "risingwave.yaml").Single();
            rw["metadata"]!["annotations"] = new JsonObject { ["rwautoscaler.dev/compute-replicas"] = "3", ["rwautoscaler.dev/compactor-replicas"] = "2" };
            ((JsonArray)rw["spec"]!["components"]!["compactor"]!["nodeGroups"]!).Add(Group("spare", 1));
            ((JsonArray)rw["spec"]!["components"]!["compute"]!["nodeGroups"]!).Add(Group("spare", 1));
            await client.Resource(RisingWaves).CreateAsync(rw);
            var rwa = (JsonObject)YamlText.Parse(await File.ReadAllTextAsync(Path.Combine(examples, "risingwaveautoscaler.yaml")), "risingwaveautoscaler.yaml").Single();
            rwa["spec"]!["mode"] = "active";
            rwa["spec"]!["pollingInterval"] = "1s";
            await client.Resource(Autoscalers).CreateAsync(rwa);

            // A second cluster whose compute group a ScaleView locks, read through its own Prometheus with a token Secret.
            var locked = (JsonObject)rw.DeepClone();
            locked["metadata"] = new JsonObject { ["name"] = "rw-locked", ["namespace"] = Namespace, ["annotations"] = new JsonObject { ["rwautoscaler.dev/compute-replicas"] = "4" } };
            await client.Resource(RisingWaves).CreateAsync(locked);
            await client.Resource(ScaleViews).CreateAsync(new JsonObject
            {
                ["apiVersion"] = "risingwave.risingwavelabs.com/v1alpha1", ["kind"] = "RisingWaveScaleView",
                ["metadata"] = new JsonObject { ["name"] = "rw-locked-compute", ["namespace"] = Namespace },
                ["spec"] = new JsonObject
                {
                    ["targetRef"] = new JsonObject { ["name"] = "rw-locked", ["component"] = "compute" },
                    ["replicas"] = 2, ["labelSelector"] = "risingwave/name=rw-locked,risingwave/component=compute,risingwave/group in ()",
                    ["scalePolicy"] = new JsonArray(new JsonObject { ["group"] = "" }),
                },
            });
            await EventuallyAsync(async () => (await client.Resource(RisingWaves).GetAsync(Namespace, "rw-locked"))["status"] is not null, "the operator writes rw-locked's status", Logs);
            await RetryOnConflictAsync(async () =>
            {
                var current = await client.Resource(RisingWaves).GetAsync(Namespace, "rw-locked");
                current["status"]!["scaleViews"] = new JsonArray(new JsonObject
                {
                    ["name"] = "rw-locked-compute", ["uid"] = "0", ["component"] = "compute", ["generation"] = 1,
                    ["groupLocks"] = new JsonArray(new JsonObject { ["name"] = "", ["replicas"] = 2 }),
                });
                await client.Resource(RisingWaves).ReplaceStatusAsync(current);
            });
            var lockedRwa = (JsonObject)rwa.DeepClone();
            lockedRwa["metadata"] = new JsonObject { ["name"] = "rw-locked", ["namespace"] = Namespace };
            lockedRwa["spec"]!["targetRef"] = new JsonObject { ["name"] = "rw-locked" };
            lockedRwa["spec"]!["prometheus"] = new JsonObject
            {
                ["address"] = prometheus.Address.ToString(),
                ["bearerTokenSecret"] = new JsonObject { ["name"] = "prometheus-token", ["key"] = "token" },
            };
            await client.Resource(Autoscalers).CreateAsync(lockedRwa);

            await EventuallyAsync(async () => ComputeReplicas(await client.Resource(RisingWaves).GetAsync(Namespace, "rw-prod")) == 3, "the daemon patches rw-prod to the pinned 3", Logs);
            await EventuallyAsync(async () => (int?)(await client.Resource(ScaleViews).GetAsync(Namespace, "rw-locked-compute"))["spec"]!["replicas"] == 4,
                "the daemon scales the ScaleView to the pinned 4", Logs);

            // An image upgrade: the operator must update every workload, whichever came first of its create and the
            // daemon's pins (each kind's first update meets one injected 409, so the fresh-read GET runs too).
            const string upgraded = "risingwavelabs/risingwave:v3.0.4";
            await client.Resource(RisingWaves).PatchAsync(Namespace, "rw-prod", KubePatch.Json(new JsonPatchDocument().Replace("/spec/image", JsonValue.Create(upgraded))));
            string? Image(ResourceType type, string name) =>
                (string?)server.GetObject(type, Namespace, name)?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"];
            await EventuallyAsync(() => Task.FromResult(Image(ResourceType.StatefulSets, "rw-prod-compute") == upgraded && Image(ResourceType.Deployments, "rw-prod-compactor") == upgraded),
                "the operator updates rw-prod's StatefulSet and Deployment to the new image", Logs);

            // Remove the spare groups (the operator deletes their StatefulSet and Deployment) and expose the frontend on a
            // NodePort (the operator updates its Service).
            var patch = new JsonPatchDocument()
                .Add("/spec/frontendServiceType", JsonValue.Create("NodePort"))
                .Test("/spec/components/compute/nodeGroups/1/name", JsonValue.Create("spare")).Remove("/spec/components/compute/nodeGroups/1")
                .Test("/spec/components/compactor/nodeGroups/1/name", JsonValue.Create("spare")).Remove("/spec/components/compactor/nodeGroups/1");
            await client.Resource(RisingWaves).PatchAsync(Namespace, "rw-prod", KubePatch.Json(patch));
            await EventuallyAsync(() => Task.FromResult(server.GetObject(ResourceType.StatefulSets, Namespace, "rw-prod-compute-spare") is null
                && server.GetObject(ResourceType.Deployments, Namespace, "rw-prod-compactor-spare") is null), "the operator deletes the spare workloads", Logs);

            // Prometheus down, up, down...: the second MetricsUnavailable of a cluster repeats the first, sent as a series patch.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!Events(server, "MetricsUnavailable").Any(e => e["series"] is not null))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("no MetricsUnavailable series within 20s\n" + Logs());
                }

                prometheus.Down = !prometheus.Down;
                await Task.Delay(1500);
            }

            prometheus.Down = false;

            conflicts.ForEach(c => c.Dispose());
            using var http = new HttpClient();
            var daemonAddress = System.Text.RegularExpressions.Regex.Match(daemon1.Output, "listening on (http://127.0.0.1:[0-9]+/)").Groups[1].Value;
            var daemonMetrics = await http.GetStringAsync(new Uri(new Uri(daemonAddress), "metrics"));
            var operatorAddress = System.Text.RegularExpressions.Regex.Match(op.Output, "listening on (http://127.0.0.1:[0-9]+)").Groups[1].Value;
            var operatorMetrics = await http.GetStringAsync(new Uri(new Uri(operatorAddress), "metrics"));
            foreach (var process in new[] { daemon1, daemon2, op })
            {
                var code = await process.StopAsync(TimeSpan.FromSeconds(15));
                if (code != 0)
                {
                    throw new InvalidOperationException($"a process exited with {code} on SIGTERM:\n{Logs()}");
                }
            }

            // A watch is recorded when it ends, and the processes' closed connections reach the fake a moment after they
            // exit: wait until no more requests are recorded (250 ms apart) before reading them.
            var settled = -1;
            for (var i = 0; i < 40 && server.Requests.Count != settled; i++)
            {
                settled = server.Requests.Count;
                await Task.Delay(250);
            }

            var requests = server.Requests;
            return new ClusterFlow
            {
                OperatorCalls = requests.Where(r => r.UserAgent.StartsWith("rw-operator", StringComparison.Ordinal)).Select(ApiCall.From).ToList(),
                DaemonCalls = requests.Where(r => r.UserAgent.StartsWith("rwautoscaler-kube", StringComparison.Ordinal)).Select(ApiCall.From).ToList(),
                DaemonOutput = daemon1.Output + daemon2.Output,
                OperatorOutput = op.Output,
                DaemonMetrics = daemonMetrics,
                OperatorMetrics = operatorMetrics,
            };
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(15).Select(l => l.Length > 300 ? l[..300] : l));

    private static JsonObject Group(string name, int replicas) => new() { ["name"] = name, ["replicas"] = replicas };

    private static int? ComputeReplicas(JsonObject rw) =>
        (int?)((JsonArray)rw["spec"]!["components"]!["compute"]!["nodeGroups"]!).OfType<JsonObject>().First(g => (string?)g["name"] == "")["replicas"];

    private static List<JsonObject> Events(FakeApiServer server, string reason) =>
        server.ListObjects(new ResourceType("events.k8s.io", "v1", "events", "Event"), Namespace).Where(e => (string?)e["reason"] == reason).ToList();

    private static async Task RetryOnConflictAsync(Func<Task> write)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (KubeApiException e) when (e.IsConflict && attempt < 10)
            {
            }
        }
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, Func<string> logs, double seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"not within {seconds}s: {what}\n{logs()}");
    }
}
