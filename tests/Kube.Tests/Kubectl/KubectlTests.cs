using k8s.Models;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Kube.Tests.Kubectl;

/// <summary>
/// kubectl v1.32 as an independent client of the fake (contract §4.5.5): discovery, server-side
/// printing (Tables), client-side apply (strategic merge for built-ins, merge patch for custom
/// resources, with the OpenAPI v3 field-validation probe), patch, scale, delete and get -w.
/// </summary>
public sealed partial class KubectlTests : FakeServerTest
{
    private readonly ManualTimeProvider clock = new(DateTimeOffset.UtcNow);

    protected override FakeApiServerOptions Options => new() { TimeProvider = clock, WorkloadControllers = true, GarbageCollection = true };

    private const string DeploymentYaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: nginx:1.25
                ports: [{containerPort: 80}]
              - name: sidecar
                image: busybox:1.36
        """;

    private const string RisingWaveYaml = """
        apiVersion: risingwave.risingwavelabs.com/v1alpha1
        kind: RisingWave
        metadata:
          name: rw
        spec:
          image: risingwavelabs/risingwave:v2.1.0
          components:
            compute: {replicas: 2}
        """;

    private static string Lines(string text) => string.Join('\n', text.Split('\n').Select(l => MultiSpace().Replace(l.TrimEnd(), " ")).Where(l => l.Length > 0));

    [GeneratedRegex(" {2,}")]
    private static partial Regex MultiSpace();

    [Fact]
    public async Task kubectl_explain_reads_a_crds_schema_from_openapi_v3()
    {
        using var kubectl = Kubectl.Find(Server);
        if (kubectl is null)
        {
            return;
        }

        var crd = kubectl.WriteFile("gadgets.yaml", """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: gadgets.example.dev}
            spec:
              group: example.dev
              scope: Namespaced
              names: {kind: Gadget, plural: gadgets, singular: gadget, shortNames: [gdg]}
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      description: A gadget that tests explain.
                      properties:
                        spec:
                          type: object
                          description: What the gadget should be.
                          required: [size]
                          properties:
                            size: {type: integer, description: How many parts the gadget has.}
                            parts:
                              type: array
                              description: The parts, by name.
                              items:
                                type: object
                                properties:
                                  name: {type: string, description: The part's name.}
            """);
        Assert.Equal(0, (await kubectl.RunAsync("apply", "-f", crd)).ExitCode);

        // The plural first: kubectl expands short names from the discovery it cached before the CRD existed, and
        // refreshes that cache only when a resource name does not map (as against a real server).
        var top = await kubectl.RunAsync("explain", "gadgets");
        Assert.True(top.ExitCode == 0, top.StandardError);
        Assert.Equal(top.StandardOutput, (await kubectl.RunAsync("explain", "gdg")).StandardOutput);
        Assert.Contains("KIND:       Gadget", top.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("VERSION:    v1", top.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("A gadget that tests explain.", top.StandardOutput, StringComparison.Ordinal);

        var field = await kubectl.RunAsync("explain", "gadgets.spec.parts.name");
        Assert.True(field.ExitCode == 0, field.StandardError);
        Assert.Contains("FIELD: name <string>", field.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("The part's name.", field.StandardOutput, StringComparison.Ordinal);

        var spec = await kubectl.RunAsync("explain", "gadgets.spec");
        Assert.Contains("size\t<integer> -required-", spec.StandardOutput.Replace("  ", "\t", StringComparison.Ordinal), StringComparison.Ordinal);

        var missing = await kubectl.RunAsync("explain", "gadgets.spec.colour");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("field \"colour\" does not exist", missing.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task kubectl_get_prints_the_servers_tables()
    {
        using var kubectl = Kubectl.Find(Server);
        if (kubectl is null)
        {
            return;
        }
        await Client.Builtin<V1Deployment>().CreateAsync(Deployment("web", 3));
        await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "rw-config" }, Data = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } });
        await Client.Resource(RisingWaves).CreateAsync(RisingWave("rw"));
        clock.Advance(TimeSpan.FromMinutes(5));

        var deployments = await kubectl.RunAsync("get", "deployments");
        Assert.Equal(0, deployments.ExitCode);
        Assert.Equal("NAME READY UP-TO-DATE AVAILABLE AGE\nweb 3/3 3 3 5m", Lines(deployments.StandardOutput));
        var wide = await kubectl.RunAsync("get", "deploy", "web", "-o", "wide");
        Assert.Equal("NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES\nweb 3/3 3 3 5m main nginx:1.25", Lines(wide.StandardOutput));
        var cms = await kubectl.RunAsync("get", "cm");
        Assert.Equal("NAME DATA AGE\nrw-config 2 5m", Lines(cms.StandardOutput));
        var rws = await kubectl.RunAsync("get", "rw");
        Assert.Equal("NAME AGE\nrw 5m", Lines(rws.StandardOutput));
        var names = await kubectl.RunAsync("get", "risingwaves.risingwave.risingwavelabs.com", "-o", "name");
        Assert.Equal("risingwave.risingwave.risingwavelabs.com/rw", names.StandardOutput.Trim());
        var json = await kubectl.RunAsync("get", "rw", "rw", "-o", "jsonpath={.spec.futureField.kept}");
        Assert.Equal("true", json.StandardOutput);
        var missing = await kubectl.RunAsync("get", "deploy", "nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("Error from server (NotFound): deployments.apps \"nope\" not found", missing.StandardError.Trim());
        var raw = await kubectl.RunAsync("get", "--raw", "/apis/apps/v1/namespaces/default/deployments");
        var item = JsonNode.Parse(raw.StandardOutput)!["items"]![0]!.AsObject();
        Assert.False(item.ContainsKey("kind"));
    }

    [Fact]
    public async Task kubectl_apply_creates_then_leaves_unchanged_then_configures()
    {
        using var kubectl = Kubectl.Find(Server);
        if (kubectl is null)
        {
            return;
        }
        var file = kubectl.WriteFile("web.yaml", DeploymentYaml);
        Assert.Equal("deployment.apps/web created", (await kubectl.RunAsync("apply", "-f", file)).StandardOutput.Trim());
        Assert.Equal("deployment.apps/web unchanged", (await kubectl.RunAsync("apply", "-f", file)).StandardOutput.Trim());

        // A strategic merge patch computed by kubectl: replicas change, one container's image changes, the other container stays.
        kubectl.WriteFile("web.yaml", DeploymentYaml.Replace("replicas: 2", "replicas: 4", StringComparison.Ordinal).Replace("busybox:1.36", "busybox:1.37", StringComparison.Ordinal));
        var configured = await kubectl.RunAsync("apply", "-f", file);
        Assert.Equal("deployment.apps/web configured", configured.StandardOutput.Trim());
        var web = await Client.Builtin<V1Deployment>().GetAsync("default", "web");
        Assert.Equal(4, web.Spec!.Replicas);
        Assert.Equal(["web=nginx:1.25", "sidecar=busybox:1.37"], web.Spec.Template!.Spec!.Containers.Select(c => $"{c.Name}={c.Image}"));
        Assert.Equal(2, web.Metadata.Generation);
        Assert.True(web.Metadata.Annotations!.ContainsKey("kubectl.kubernetes.io/last-applied-configuration"));
        Assert.Contains(Server.Requests, r => r.Method == "PATCH" && r.ContentType == "application/strategic-merge-patch+json" && r.Query.Contains("fieldValidation=Strict", StringComparison.Ordinal));

        // Custom resources get a JSON merge patch; fields kubectl never applied are kept.
        var rwFile = kubectl.WriteFile("rw.yaml", RisingWaveYaml);
        Assert.Equal("risingwave.risingwave.risingwavelabs.com/rw created", (await kubectl.RunAsync("apply", "-f", rwFile)).StandardOutput.Trim());
        await Client.Resource(RisingWaves).PatchStatusAsync("default", "rw", Kube.Client.KubePatch.Merge(JsonNode.Parse("""{"status":{"phase":"Running"}}""")!));
        kubectl.WriteFile("rw.yaml", RisingWaveYaml.Replace("replicas: 2", "replicas: 3", StringComparison.Ordinal));
        Assert.Equal("risingwave.risingwave.risingwavelabs.com/rw configured", (await kubectl.RunAsync("apply", "-f", rwFile)).StandardOutput.Trim());
        var rw = await Client.Resource(RisingWaves).GetAsync("default", "rw");
        Assert.Equal(3, (int?)rw["spec"]!["components"]!["compute"]!["replicas"]);
        Assert.Equal("Running", (string?)rw["status"]!["phase"]);
        Assert.Contains(Server.Requests, r => r.Method == "PATCH" && r.ContentType == "application/merge-patch+json" && r.Path.EndsWith("/risingwaves/rw", StringComparison.Ordinal));
    }

    [Fact]
    public async Task kubectl_patch_uses_each_patch_type_and_reports_refusals()
    {
        using var kubectl = Kubectl.Find(Server);
        if (kubectl is null)
        {
            return;
        }
        await Client.Builtin<V1Deployment>().CreateAsync(Deployment("web", 1));
        await Client.Resource(RisingWaves).CreateAsync(RisingWave("rw", 3));

        Assert.Equal("deployment.apps/web patched", (await kubectl.RunAsync("patch", "deploy", "web", "-p", """{"spec":{"replicas":2}}""")).StandardOutput.Trim());
        Assert.Equal("risingwave.risingwave.risingwavelabs.com/rw patched",
            (await kubectl.RunAsync("patch", "rw", "rw", "--type=json", "-p", """[{"op":"test","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/replicas","value":4}]""")).StandardOutput.Trim());
        var failedTest = await kubectl.RunAsync("patch", "rw", "rw", "--type=json", "-p", """[{"op":"test","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/replicas","value":5}]""");
        Assert.Equal(1, failedTest.ExitCode);
        Assert.Contains("test failed: value is 4, expected 3", failedTest.StandardError, StringComparison.Ordinal);
        var strategic = await kubectl.RunAsync("patch", "rw", "rw", "-p", """{"spec":{"replicas":6}}""");
        Assert.Equal(1, strategic.ExitCode);
        Assert.Contains("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml", strategic.StandardError, StringComparison.Ordinal);
        Assert.Equal("risingwave.risingwave.risingwavelabs.com/rw patched (no change)",
            (await kubectl.RunAsync("patch", "rw", "rw", "--type=merge", "-p", """{"spec":{"replicas":4}}""")).StandardOutput.Trim());
        Assert.Equal(4, (int?)(await Client.Resource(RisingWaves).GetAsync("default", "rw"))["spec"]!["replicas"]);
    }

    [Fact]
    public async Task kubectl_scale_goes_through_the_scale_subresource()
    {
        using var kubectl = Kubectl.Find(Server);
        if (kubectl is null)
        {
            return;
        }
        await Client.Builtin<V1StatefulSet>().CreateAsync(new V1StatefulSet
        {
            Metadata = new() { Name = "rw-compute" },
            Spec = new V1StatefulSetSpec { Replicas = 1, ServiceName = "rw-compute", Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["c"] = "compute" } } },
        });
        await Client.Resource(ScaleViews).CreateAsync(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "rw-view" }, ["spec"] = new JsonObject { ["replicas"] = 1, ["targetRef"] = new JsonObject { ["name"] = "rw", ["component"] = "compute" } } });

        Assert.Equal("statefulset.apps/rw-compute scaled", (await kubectl.RunAsync("scale", "statefulset", "rw-compute", "--replicas=3")).StandardOutput.Trim());
        Assert.Equal(3, (await Client.Builtin<V1StatefulSet>().GetAsync("default", "rw-compute")).Status!.ReadyReplicas);
        Assert.Equal("risingwavescaleview.risingwave.risingwavelabs.com/rw-view scaled", (await kubectl.RunAsync("scale", "rwsv", "rw-view", "--replicas=5")).StandardOutput.Trim());
        Assert.Equal(5, (int?)(await Client.Resource(ScaleViews).GetAsync("default", "rw-view"))["spec"]!["replicas"]);
        Assert.Equal("NAME TARGET COMPONENT READY REPLICAS LOCKED AGE\nrw-view rw compute 5 0s", Lines((await kubectl.RunAsync("get", "rwsv")).StandardOutput));
        Assert.Contains(Server.Requests, r => r.Path.EndsWith("/risingwavescaleviews/rw-view/scale", StringComparison.Ordinal));

        // --current-replicas is a precondition kubectl checks against the V1Scale it read.
        var stale = await kubectl.RunAsync("scale", "statefulset", "rw-compute", "--current-replicas=1", "--replicas=4");
        Assert.Equal(1, stale.ExitCode);
        Assert.Equal("error: Expected replicas to be 1, was 3", stale.StandardError.Trim());
    }

    [Fact]
    public async Task kubectl_delete_waits_for_finalizers_and_cascades_to_dependents()
    {
        using var kubectl = Kubectl.Find(Server);
        if (kubectl is null)
        {
            return;
        }
        var owner = await Client.Resource(RisingWaves).CreateAsync(RisingWave("rw"));
        await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap
        {
            Metadata = new()
            {
                Name = "rw-config",
                OwnerReferences = [new V1OwnerReference { ApiVersion = "risingwave.risingwavelabs.com/v1alpha1", Kind = "RisingWave", Name = "rw", Uid = owner.GetUid()! }],
            },
        });
        Assert.Equal("risingwave.risingwave.risingwavelabs.com \"rw\" deleted", (await kubectl.RunAsync("delete", "rw", "rw")).StandardOutput.Trim());
        Assert.Null(await Client.Builtin<V1ConfigMap>().GetOrNullAsync("default", "rw-config"));

        var held = RisingWave("held");
        held["metadata"]!["finalizers"] = new JsonArray("risingwave.risingwavelabs.com/cleanup");
        await Client.Resource(RisingWaves).CreateAsync(held);
        var pending = await kubectl.RunAsync("delete", "rw", "held", "--wait=false");
        Assert.Equal("risingwave.risingwave.risingwavelabs.com \"held\" deleted", pending.StandardOutput.Trim());
        Assert.NotNull((await Client.Resource(RisingWaves).GetAsync("default", "held"))["metadata"]!["deletionTimestamp"]);
        var missing = await kubectl.RunAsync("delete", "deploy", "nope");
        Assert.Equal("Error from server (NotFound): deployments.apps \"nope\" not found", missing.StandardError.Trim());
    }

    [Fact]
    public async Task kubectl_get_watch_prints_rows_as_objects_change()
    {
        using var kubectl = Kubectl.Find(Server);
        if (kubectl is null)
        {
            return;
        }
        await Client.Builtin<V1Deployment>().CreateAsync(Deployment("web", 1));
        using var watch = kubectl.Start("get", "deployments", "-w", "--output-watch-events");
        Assert.Equal("EVENT NAME READY UP-TO-DATE AVAILABLE AGE", Lines(await watch.NextLineAsync()));
        Assert.Equal("ADDED web 1/1 1 1 0s", Lines(await watch.NextLineAsync()));
        Server.PodsReady = false;
        Assert.Equal("MODIFIED web 0/1 1 0 0s", Lines(await watch.NextLineAsync()));
        await Client.Builtin<V1Deployment>().DeleteAsync("default", "web");
        Assert.Equal("DELETED web 0/1 1 0 0s", Lines(await watch.NextLineAsync()));
    }
}
