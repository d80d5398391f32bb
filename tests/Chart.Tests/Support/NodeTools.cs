using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.TestKit;

namespace RwAutoscaler.Chart.Tests.Support;

/// <summary>
/// The Node scripts of tests/node: the official Kubernetes schemas (kubernetes-models, and the Prometheus operator's
/// kinds) and Ajv for values.schema.json. Under CI=true a missing node or package fails the test (.ci/run runs npm ci
/// in tests/node); elsewhere the caller gets null and says so.
/// </summary>
internal static class NodeTools
{
    private static readonly string Directory = Repository.PathOf("tests/node");

    public static async Task<JsonObject?> RunAsync(string script, JsonNode input)
    {
        var node = ExternalTool.Require("node", "install Node.js 20 or later");
        if (node is null)
        {
            return null;
        }

        foreach (var package in new[] { "kubernetes-models", "ajv", "@kubernetes-models/prometheus-operator" })
        {
            if (!File.Exists(Path.Combine(Directory, "node_modules", package, "package.json")))
            {
                var hint = $"{package} is not installed: run `npm ci` in tests/node (.ci/run does)";
                if (ExternalTool.IsCi)
                {
                    throw new InvalidOperationException(hint);
                }

                await Console.Error.WriteLineAsync("SKIPPED (not CI): " + hint);
                return null;
            }
        }

        var result = await ExternalTool.RunAsync(node, [Path.Combine(Directory, script)], stdin: input.ToJsonString(), timeout: TimeSpan.FromSeconds(60));
        if (result.ExitCode is not (0 or 1))
        {
            throw new InvalidOperationException($"{script} failed ({result.ExitCode}): {result.StandardError}");
        }

        return JsonNode.Parse(result.StandardOutput)!.AsObject();
    }

    /// <summary>Problems kubernetes-models finds, one line each; null when node cannot run outside CI.</summary>
    public static async Task<IReadOnlyList<string>?> KubernetesProblemsAsync(IEnumerable<JsonObject> objects)
    {
        var verdict = await RunAsync("validate.mjs", new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone())]));
        return verdict is null ? null : verdict["errors"]!.AsArray().Select(e => $"{e!["kind"]} {e["name"]}: {e["error"]}").ToList();
    }

    /// <summary>For each document, the schema's errors (empty when valid); null when node cannot run outside CI.</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<string>>?> SchemaErrorsAsync(JsonNode schema, IEnumerable<JsonNode> documents)
    {
        var verdict = await RunAsync("json-schema.mjs", new JsonObject { ["schema"] = schema.DeepClone(), ["documents"] = new JsonArray([.. documents.Select(d => d.DeepClone())]) });
        return verdict?["results"]!.AsArray()
            .Select(r => (IReadOnlyList<string>)r!["errors"]!.AsArray().Select(e => $"{e!["path"]} {e["message"]} {e["params"]?.ToJsonString(new JsonSerializerOptions())}").ToList())
            .ToList();
    }
}
