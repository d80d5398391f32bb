using System.Text.Json.Nodes;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>The legacy (unaggregated) discovery documents kubectl falls back to, built from the registry.</summary>
internal static class Discovery
{
    private static readonly string[] ResourceVerbs = ["create", "delete", "get", "list", "patch", "update", "watch"];

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.4-fake",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-04-22T00:00:00Z",
        ["goVersion"] = "go1.23.6",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject Groups(ResourceRegistry registry) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(registry.All.Where(d => d.Group.Length > 0).GroupBy(d => d.Group)
            .Select(g => (JsonNode?)Group(g.Key, g.Select(d => d.Version).Distinct().ToList())).ToArray()),
    };

    public static JsonObject? Group(ResourceRegistry registry, string group)
    {
        var versions = registry.All.Where(d => d.Group == group).Select(d => d.Version).Distinct().ToList();
        return versions.Count == 0 ? null : Group(group, versions);
    }

    public static JsonObject ResourceList(ResourceRegistry registry, string group, string version)
    {
        var resources = new JsonArray();
        foreach (var def in registry.All.Where(d => d.Group == group && d.Version == version))
        {
            var main = new JsonObject
            {
                ["name"] = def.Plural,
                ["singularName"] = def.Singular,
                ["namespaced"] = def.Namespaced,
                ["kind"] = def.Kind,
                ["verbs"] = Strings(ResourceVerbs),
            };
            if (def.ShortNames.Count > 0)
            {
                main["shortNames"] = Strings(def.ShortNames);
            }
            if (def.Categories.Count > 0)
            {
                main["categories"] = Strings(def.Categories);
            }
            resources.Add(main);
            if (def.StatusSubresource)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = def.Plural + "/status", ["singularName"] = "", ["namespaced"] = def.Namespaced, ["kind"] = def.Kind,
                    ["verbs"] = Strings(["get", "patch", "update"]),
                });
            }
            if (def.Scale is not null)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = def.Plural + "/scale", ["singularName"] = "", ["namespaced"] = def.Namespaced,
                    ["group"] = "autoscaling", ["version"] = "v1", ["kind"] = "Scale",
                    ["verbs"] = Strings(["get", "patch", "update"]),
                });
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonObject Group(string group, List<string> versions)
    {
        var list = new JsonArray(versions.Select(v => (JsonNode?)new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v }).ToArray());
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = list,
            ["preferredVersion"] = list[0]!.DeepClone(),
        };
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
