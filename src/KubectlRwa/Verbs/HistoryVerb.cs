using System.CommandLine;
using System.Text.Json.Nodes;

namespace RwAutoscaler.KubectlRwa.Verbs;

/// <summary><c>kubectl rwa history NAME</c>: the decisions that changed, or would have changed, replicas, oldest first (status.history).</summary>
internal static class HistoryVerb
{
    public static Command Create(TargetOptions target, TextWriter output)
    {
        var name = new Argument<string>("NAME") { Description = "The RisingWaveAutoscaler" };
        var command = new Command("history", "The scaling decisions over time, as a table (the autoscaler's status.history)") { name };
        command.SetAction(async (result, ct) =>
        {
            var (client, ns) = target.Connect(result);
            using (client)
            {
                var autoscaler = await Autoscalers.GetAsync(client, ns, result.GetValue(name)!, ct);
                var history = Entries(autoscaler);
                if (history.Count == 0)
                {
                    await output.WriteLineAsync($"No decisions recorded yet for {ns}/{result.GetValue(name)}.");
                    return ExitCodes.Ok;
                }

                await Table.WriteAsync(output, ["TIME", "COMPONENT", "FROM", "TO", "APPLIED", "REASON"], [.. history.Select(Row)]);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static IReadOnlyList<JsonObject> Entries(JsonObject autoscaler) =>
        (autoscaler["status"]?["history"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];

    public static IReadOnlyList<string> Row(JsonObject entry) =>
    [
        (string?)entry["time"] ?? "?",
        (string?)entry["group"] is { Length: > 0 } group ? $"{entry["component"]}/{group}" : (string?)entry["component"] ?? "?",
        entry["from"]?.ToString() ?? "?",
        entry["to"]?.ToString() ?? "?",
        (bool?)entry["acted"] == true ? "yes" : (bool?)entry["dryRun"] == true ? "dry run" : "no",
        (string?)entry["reason"] ?? "",
    ];
}
