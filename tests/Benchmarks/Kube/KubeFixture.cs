using System.Text.Json.Nodes;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Benchmarks.Kube;

/// <summary>A fake API server holding <c>count</c> Deployments shaped like an operator's (labels, a pod template, status).</summary>
internal static class KubeFixture
{
    public static async Task<FakeApiServer> StartAsync(int count)
    {
        var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { HistoryLimit = 50_000, WatchBufferLimit = 100_000, BookmarkInterval = null });
        var deployments = server.Operations.Registry.Find("apps", "v1", "deployments")!;
        for (var i = 0; i < count; i++)
        {
            server.Operations.Create(deployments, "default", Deployment($"rw-{i:D5}", i % 7));
        }
        return server;
    }

    public static JsonObject Deployment(string name, int replicas) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["labels"] = new JsonObject { ["risingwave/name"] = "rw", ["risingwave/component"] = "frontend", ["app.kubernetes.io/managed-by"] = "rw-operator" },
            ["annotations"] = new JsonObject { ["risingwave.risingwavelabs.com/config-hash"] = "6f1ed002ab5595859014ebf0951522d9" },
        },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["risingwave/name"] = "rw", ["risingwave/component"] = "frontend" } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["risingwave/name"] = "rw", ["risingwave/component"] = "frontend" } },
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "frontend",
                        ["image"] = "risingwavelabs/risingwave:v2.1.0",
                        ["args"] = new JsonArray("frontend-node", "--listen-addr", "0.0.0.0:4567"),
                        ["ports"] = new JsonArray(new JsonObject { ["name"] = "service", ["containerPort"] = 4567 }, new JsonObject { ["name"] = "metrics", ["containerPort"] = 1222 }),
                        ["env"] = new JsonArray(new JsonObject { ["name"] = "RUST_BACKTRACE", ["value"] = "1" }),
                        ["resources"] = new JsonObject { ["limits"] = new JsonObject { ["cpu"] = "1", ["memory"] = "2Gi" } },
                    }),
                },
            },
        },
    };
}
