using System.CommandLine;
using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Overrides;

namespace RwAutoscaler.KubectlRwa.Verbs;

/// <summary>
/// <c>kubectl rwa explain NAME</c>: what the daemon recorded about an autoscaler: per component the replicas, the last
/// decision's reason and its trail (each proposal with its numbers, the winner marked, then each guard), the
/// conditions, the overrides on its RisingWave and how the daemon reads them, and the latest decisions.
/// </summary>
internal static class ExplainVerb
{
    public static Command Create(TargetOptions target, TextWriter output)
    {
        var name = new Argument<string>("NAME") { Description = "The RisingWaveAutoscaler" };
        var command = new Command("explain", "The trail of the last decisions as the daemon recorded them, with the conditions and overrides") { name };
        command.SetAction(async (result, ct) =>
        {
            var (client, ns) = target.Connect(result);
            using (client)
            {
                var autoscaler = await Autoscalers.GetAsync(client, ns, result.GetValue(name)!, ct);
                var risingWave = await Autoscalers.TargetAsync(client, autoscaler, ct);
                await WriteAsync(output, ns, autoscaler, risingWave);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task WriteAsync(TextWriter output, string ns, JsonObject autoscaler, JsonObject? risingWave)
    {
        var status = autoscaler["status"] as JsonObject;
        await output.WriteLineAsync($"{ns}/{autoscaler["metadata"]!["name"]} sizes RisingWave {Autoscalers.TargetName(autoscaler)}"
            + (risingWave is null ? " (not found)" : "") + ((string?)status?["shard"] is { } shard ? $", owned by {shard}" : ""));
        foreach (var component in (status?["components"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            await output.WriteLineAsync($"\n{component["component"]}{((string?)component["group"] is { Length: > 0 } g ? "/" + g : "")}: "
                + $"asks {component["currentReplicas"]}, running {component["runningReplicas"]}, wanted {component["desiredReplicas"]}"
                + ((string?)component["scaleView"] is { } view ? $", through ScaleView {view}" : ""));
            if ((string?)component["lastReason"] is { } reason)
            {
                await output.WriteLineAsync($"  last decision ({component["lastScaleTime"]}): {reason}");
            }

            foreach (var line in (component["trail"] as JsonArray)?.Select(l => (string?)l) ?? [])
            {
                await output.WriteLineAsync($"    {line}");
            }
        }

        await output.WriteLineAsync("\nconditions:");
        foreach (var condition in (status?["conditions"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            await output.WriteLineAsync($"  {condition["type"]}={condition["status"]} ({condition["reason"]}): {condition["message"]}");
        }

        var annotations = Autoscalers.Annotations(risingWave);
        var overrides = annotations.Where(a => a.Key.StartsWith(OverrideAnnotations.Prefix, StringComparison.Ordinal)).OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
        await output.WriteLineAsync("\noverrides:" + (overrides.Count == 0 ? " none" : ""));
        foreach (var (key, value) in overrides)
        {
            await output.WriteLineAsync($"  {key}: {value}");
        }

        foreach (var problem in OverrideAnnotations.Parse(annotations).Problems)
        {
            await output.WriteLineAsync($"  cannot be read: {problem}; the daemon {problem.Effect}");
        }

        var history = HistoryVerb.Entries(autoscaler);
        await output.WriteLineAsync("\nlatest decisions:" + (history.Count == 0 ? " none yet" : ""));
        foreach (var entry in history.TakeLast(10))
        {
            var row = HistoryVerb.Row(entry);
            await output.WriteLineAsync($"  {row[0]}  {row[1]} {row[2]} -> {row[3]} (applied: {row[4]}): {row[5]}");
        }
    }
}
