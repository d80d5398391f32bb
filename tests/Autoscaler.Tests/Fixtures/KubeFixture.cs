using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Autoscaler.Tests.Fixtures;

/// <summary>
/// The fake API server with what the daemon works on: the upstream RisingWave and RisingWaveScaleView resources
/// (status and scale subresources as their CRDs declare) and our RisingWaveAutoscaler CRD, created from the
/// generated manifest the chart ships.
/// </summary>
internal sealed class KubeFixture : IAsyncDisposable
{
    public static readonly ResourceType Crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false);

    private KubeFixture(FakeApiServer server, KubernetesClient client)
    {
        Server = server;
        Client = client;
    }

    public FakeApiServer Server { get; }

    public KubernetesClient Client { get; }

    public ResourceClient<JsonObject> RisingWaves => Client.Resource(RisingWaveState.Resource);

    public ResourceClient<JsonObject> ScaleViews => Client.Resource(RisingWaveState.ScaleViewResource);

    public ResourceClient<JsonObject> Autoscalers => Client.Resource(RisingWaveAutoscaler.Resource);

    public static async Task<KubeFixture> StartAsync(TimeProvider? time = null, params string[] namespaces)
    {
        var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { TimeProvider = time ?? TimeProvider.System });
        server.RegisterCustomResource(new CustomResourceDefinition
        {
            Group = RisingWaveState.Group,
            Version = "v1alpha1",
            Kind = "RisingWave",
            Plural = "risingwaves",
            ShortNames = ["rw"],
            StatusSubresource = true,
        });
        server.RegisterCustomResource(new CustomResourceDefinition
        {
            Group = RisingWaveState.Group,
            Version = "v1alpha1",
            Kind = "RisingWaveScaleView",
            Plural = "risingwavescaleviews",
            ShortNames = ["rwsv"],
            StatusSubresource = true,
            Scale = new ScaleSubresource(".spec.replicas", ".status.replicas", ".spec.labelSelector"),
        });
        foreach (var ns in namespaces.DefaultIfEmpty("streaming"))
        {
            server.CreateNamespace(ns);
        }

        var client = server.CreateClient();
        var crd = YamlText.Parse(await File.ReadAllTextAsync(Commands.CliRunner.Repo(AutoscalerCrd.ChartPath)), "crd").Single();
        await client.Resource(Crds).CreateAsync(crd);
        return new KubeFixture(server, client);
    }

    /// <summary>A RisingWave with one default compute and compactor group, and the status an operator would report.</summary>
    public static JsonObject RisingWave(string ns, string name, int compute, int compactor = 1, double cores = 4) => new()
    {
        ["apiVersion"] = "risingwave.risingwavelabs.com/v1alpha1",
        ["kind"] = "RisingWave",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["image"] = "risingwavelabs/risingwave:v3.0.3",
            ["components"] = new JsonObject
            {
                ["compute"] = new JsonObject { ["nodeGroups"] = new JsonArray(Group("", compute, cores)) },
                ["compactor"] = new JsonObject { ["nodeGroups"] = new JsonArray(Group("", compactor, 2)) },
            },
        },
    };

    public static JsonObject Group(string name, int replicas, double cores) => new()
    {
        ["name"] = name,
        ["replicas"] = replicas,
        ["template"] = new JsonObject
        {
            ["spec"] = new JsonObject { ["resources"] = new JsonObject { ["limits"] = new JsonObject { ["cpu"] = cores.ToString(System.Globalization.CultureInfo.InvariantCulture) } } },
        },
    };

    /// <summary>Writes the status an operator reports once every pod of every group is ready.</summary>
    public async Task<JsonObject> SettleAsync(string ns, string name, Func<string, string, int, int>? running = null)
    {
        var obj = await RisingWaves.GetAsync(ns, name);
        var status = new JsonObject { ["observedGeneration"] = obj["metadata"]!["generation"]!.DeepClone() };
        var replicas = new JsonObject();
        foreach (var kind in new[] { "compute", "compactor" })
        {
            var groups = new JsonArray();
            int target = 0, ready = 0;
            foreach (var g in (obj["spec"]!["components"]![kind]?["nodeGroups"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var n = (string?)g["name"] ?? "";
                var t = (int?)g["replicas"] ?? 0;
                var r = running?.Invoke(kind, n, t) ?? t;
                groups.Add(new JsonObject { ["name"] = n, ["target"] = t, ["running"] = r, ["exists"] = true });
                target += t;
                ready += r;
            }

            replicas[kind] = new JsonObject { ["target"] = target, ["running"] = ready, ["groups"] = groups };
        }

        status["componentReplicas"] = replicas;
        status["conditions"] = new JsonArray(new JsonObject { ["type"] = "Running", ["status"] = "True" });
        if (obj["status"]?["scaleViews"] is { } views)
        {
            status["scaleViews"] = views.DeepClone();
        }

        obj["status"] = status;
        return await RisingWaves.ReplaceStatusAsync(obj);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
