using System.Globalization;
using System.Text.Json;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Policies.Configuration;
using Spectre.Console;

namespace RwAutoscaler.Autoscaler.DryRun;

/// <summary>Prints dry-run results: a summary table and the decision timeline, or all of it as JSON.</summary>
internal static class DryRunOutput
{
    private const int TimelineLimit = 25;

    public static void WriteTable(IAnsiConsole console, Recording.Recording recording, IReadOnlyList<DryRunResult> results)
    {
        console.MarkupLineInterpolated(
            $"[bold]{recording.Cluster}[/]: {recording.Start:u} to {recording.End:u}, {recording.Count} steps of {Durations.Format(recording.Step)}");
        var table = new FittedTable(
            new("policy", RightAligned: false), new("component", RightAligned: false), new("actual replica-h", "actual\nreplica-h"),
            new("policy replica-h", "policy\nreplica-h"), new("saved (-) / added (+)", "saved (-)\nadded (+)"), new("changes"),
            new("under-provisioned", "under-\nprovisioned"), new("gaps"));
        foreach (var result in results)
        {
            foreach (var c in result.Components)
            {
                table.AddRow(
                    Markup.Escape(result.Policy),
                    Markup.Escape(c.Component.ToString()),
                    Number(c.ActualReplicaHours),
                    Number(c.PolicyReplicaHours),
                    (c.ReplicaHoursDelta >= 0 ? "+" : "") + Number(c.ReplicaHoursDelta),
                    c.Decisions.Length.ToString(CultureInfo.InvariantCulture),
                    $"{Duration(c.UnderProvisionedTime)} in {c.UnderProvisioned.Length}",
                    $"{Duration(c.Gaps.Aggregate(TimeSpan.Zero, (s, p) => s + p.Duration))} in {c.Gaps.Length}");
            }
        }

        table.Write(console);
        foreach (var result in results)
        {
            foreach (var c in result.Components)
            {
                console.WriteLine();
                console.MarkupLineInterpolated($"[bold]{result.Policy}[/], {c.Component}: {c.Decisions.Length} {(c.Decisions.Length == 1 ? "change" : "changes")}");
                foreach (var d in c.Decisions.Take(TimelineLimit))
                {
                    console.MarkupLineInterpolated($"  {d.Time:u}  had {d.Actual}, policy {d.From} -> {d.To}: {d.Reason}");
                }

                if (c.Decisions.Length > TimelineLimit)
                {
                    console.MarkupLineInterpolated($"  ... {c.Decisions.Length - TimelineLimit} more (--json lists them all)");
                }

                foreach (var gap in c.Gaps.Take(5))
                {
                    console.MarkupLineInterpolated($"  [grey]gap in the data {gap.Start:u} to {gap.End:u}: decisions held[/]");
                }
            }
        }
    }

    public static void WriteJson(TextWriter output, Recording.Recording recording, IReadOnlyList<DryRunResult> results)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("cluster", recording.Cluster);
            w.WriteString("start", recording.Start);
            w.WriteString("end", recording.End);
            w.WriteString("step", Durations.Format(recording.Step));
            w.WriteNumber("steps", recording.Count);
            w.WriteStartArray("policies");
            foreach (var result in results)
            {
                w.WriteStartObject();
                w.WriteString("policy", result.Policy);
                w.WriteStartArray("components");
                foreach (var c in result.Components)
                {
                    w.WriteStartObject();
                    w.WriteString("component", c.Component.Kind.ToString().ToLowerInvariant());
                    w.WriteString("group", c.Component.Group);
                    w.WriteNumber("actualReplicaHours", Math.Round(c.ActualReplicaHours, 3));
                    w.WriteNumber("policyReplicaHours", Math.Round(c.PolicyReplicaHours, 3));
                    w.WriteNumber("replicaHoursDelta", Math.Round(c.ReplicaHoursDelta, 3));
                    w.WriteNumber("underProvisionedSeconds", c.UnderProvisionedTime.TotalSeconds);
                    WritePeriods(w, "underProvisioned", c.UnderProvisioned);
                    WritePeriods(w, "gaps", c.Gaps);
                    w.WriteStartArray("decisions");
                    foreach (var d in c.Decisions)
                    {
                        w.WriteStartObject();
                        w.WriteString("time", d.Time);
                        w.WriteNumber("actual", d.Actual);
                        w.WriteNumber("from", d.From);
                        w.WriteNumber("to", d.To);
                        w.WriteString("reason", d.Reason);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WritePeriods(Utf8JsonWriter w, string name, IEnumerable<Period> periods)
    {
        w.WriteStartArray(name);
        foreach (var p in periods)
        {
            w.WriteStartObject();
            w.WriteString("start", p.Start);
            w.WriteString("end", p.End);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static string Number(double value) => value.ToString("N1", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) => span == TimeSpan.Zero ? "0s" : Durations.Format(TimeSpan.FromSeconds(Math.Round(span.TotalSeconds)));
}
