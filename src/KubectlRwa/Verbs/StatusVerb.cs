using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Overrides;

namespace RwAutoscaler.KubectlRwa.Verbs;

/// <summary>
/// <c>kubectl rwa status [NAME]</c>: one line per autoscaler: mode; compute and compactor as current -> desired
/// [min..max]; the overrides on its RisingWave with their expiry; the last decision's age and reason; whether the
/// metrics are available; the shard that owns it.
/// </summary>
internal static class StatusVerb
{
    public static Command Create(TargetOptions target, TextWriter output)
    {
        var name = new Argument<string?>("NAME") { Description = "One RisingWaveAutoscaler (default: all in the namespace)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("status", "One line per autoscaler: mode, replicas and bounds, overrides, last decision, metrics, shard") { name };
        command.SetAction(async (result, ct) =>
        {
            var (client, ns) = target.Connect(result);
            using (client)
            {
                var all = result.GetValue(target.AllNamespaces);
                var autoscalers = result.GetValue(name) is { } one
                    ? [await Autoscalers.GetAsync(client, ns, one, ct)]
                    : await Autoscalers.ListAsync(client, all ? null : ns, ct);
                if (autoscalers.Count == 0)
                {
                    await output.WriteLineAsync(all ? "No RisingWaveAutoscalers found." : $"No RisingWaveAutoscalers found in {ns} namespace.");
                    return ExitCodes.Ok;
                }

                var now = DateTimeOffset.UtcNow;
                var rows = new List<IReadOnlyList<string>>();
                foreach (var autoscaler in autoscalers)
                {
                    var risingWave = await Autoscalers.TargetAsync(client, autoscaler, ct);
                    var annotations = Autoscalers.Annotations(risingWave);
                    var row = new List<string>
                    {
                        autoscaler["metadata"]!["name"]!.ToString(),
                        Mode(autoscaler, annotations),
                        Component(autoscaler, "compute"),
                        Component(autoscaler, "compactor"),
                        Overrides(annotations),
                        Condition(autoscaler, "MetricsAvailable"),
                        (string?)autoscaler["status"]?["shard"] ?? "-",
                        LastDecision(autoscaler, now),
                    };
                    if (all)
                    {
                        row.Insert(0, autoscaler["metadata"]!["namespace"]!.ToString());
                    }

                    rows.Add(row);
                }

                string[] headers = ["NAME", "MODE", "COMPUTE", "COMPACTOR", "OVERRIDES", "METRICS", "SHARD", "LAST DECISION"];
                await Table.WriteAsync(output, all ? ["NAMESPACE", .. headers] : headers, rows);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Mode(JsonObject autoscaler, IReadOnlyDictionary<string, string> annotations) =>
        annotations.ContainsKey(OverrideAnnotations.Paused) && annotations[OverrideAnnotations.Paused] != "false" ? "paused"
        : annotations.ContainsKey(OverrideAnnotations.DryRun) && annotations[OverrideAnnotations.DryRun] != "false" ? "dry-run"
        : (string?)autoscaler["spec"]?["mode"] ?? "active";

    // "4 -> 8 [2..20]": what the RisingWave asks for, what the last decision wants, the spec's bounds.
    private static string Component(JsonObject autoscaler, string component)
    {
        if (autoscaler["spec"]?[component] is not JsonObject spec)
        {
            return "-";
        }

        var bounds = $"[{(int?)spec["minReplicas"] ?? 1}..{(int?)spec["maxReplicas"]}]";
        var status = (autoscaler["status"]?["components"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["component"] == component);
        var current = (int?)status?["currentReplicas"];
        var desired = (int?)status?["desiredReplicas"];
        var replicas = current is null ? "?" : desired is { } d && d != current ? $"{current}->{d}" : $"{current}";
        return $"{replicas} {bounds}";
    }

    private static string Overrides(IReadOnlyDictionary<string, string> annotations)
    {
        var ours = annotations.Where(a => a.Key.StartsWith(OverrideAnnotations.Prefix, StringComparison.Ordinal))
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => $"{a.Key[OverrideAnnotations.Prefix.Length..]}={a.Value.Replace(" until ", "@", StringComparison.Ordinal)}")
            .ToList();
        return ours.Count == 0 ? "-" : string.Join(",", ours);
    }

    private static string Condition(JsonObject autoscaler, string type) =>
        (autoscaler["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type) is { } condition
            ? (string?)condition["status"] == "True" ? "yes" : "no"
            : "?";

    private static string LastDecision(JsonObject autoscaler, DateTimeOffset now)
    {
        var reason = (string?)autoscaler["status"]?["lastReason"];
        if (reason is null)
        {
            return "-";
        }

        var at = DateTimeOffset.TryParse((string?)autoscaler["status"]?["lastScaleTime"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? Age(now - time) + " ago: " : "";
        return at + reason;
    }

    /// <summary>kubectl's ages: 45s, 12m, 3h, 2d.</summary>
    public static string Age(TimeSpan age) =>
        age.TotalSeconds < 120 ? $"{Math.Max(0, (int)age.TotalSeconds)}s"
        : age.TotalMinutes < 120 ? $"{(int)age.TotalMinutes}m"
        : age.TotalHours < 48 ? $"{(int)age.TotalHours}h"
        : $"{(int)age.TotalDays}d";
}
