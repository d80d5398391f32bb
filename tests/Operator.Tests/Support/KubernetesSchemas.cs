using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.TestKit;

namespace RwAutoscaler.Operator.Tests.Support;

/// <summary>
/// Validation against the official Kubernetes schemas of the npm package kubernetes-models, through
/// tests/node/validate.mjs. Under CI=true a missing node or a package not installed (.ci/run runs
/// npm ci in tests/node) fails the test; elsewhere the test says so and returns.
/// </summary>
internal static class KubernetesSchemas
{
    private static readonly string Directory = Repository.PathOf("tests/node");
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>The validator's verdict, or null when it cannot run outside CI.</summary>
    public static async Task<Verdict?> ValidateAsync(IEnumerable<JsonObject> objects)
    {
        var node = ExternalTool.Require("node", "install Node.js 20 or later");
        if (node is null)
        {
            return null;
        }

        if (!File.Exists(Path.Combine(Directory, "node_modules", "kubernetes-models", "package.json")))
        {
            const string hint = "kubernetes-models is not installed: run `npm ci` in tests/node (.ci/run does)";
            if (ExternalTool.IsCi)
            {
                throw new InvalidOperationException(hint);
            }

            await Console.Error.WriteLineAsync("SKIPPED (not CI): " + hint);
            return null;
        }

        var input = new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone())]).ToJsonString();
        var result = await ExternalTool.RunAsync(node, [Path.Combine(Directory, "validate.mjs")], stdin: input, timeout: TimeSpan.FromSeconds(60));
        if (result.ExitCode is not (0 or 1))
        {
            throw new InvalidOperationException($"validate.mjs failed ({result.ExitCode}): {result.StandardError}");
        }

        return JsonSerializer.Deserialize<Verdict>(result.StandardOutput, Web)!;
    }

    internal sealed record Verdict(int Validated, IReadOnlyList<Problem> Errors);

    internal sealed record Problem(int Index, string ApiVersion, string Kind, string? Name, string Error)
    {
        public override string ToString() => $"{Kind} {Name}: {Error}";
    }
}
