using System.CommandLine;
using System.Text.Json;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Json;
using RwAutoscaler.Policies.Model;
using Spectre.Console;

namespace RwAutoscaler.Autoscaler.Commands;

/// <summary><c>autoscaler evaluate</c>: one decision from a policy, an observation and a history, printed.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliContext cli)
    {
        var policy = new Option<FileInfo>("--policy") { Description = "Policy spec (YAML or JSON)", Required = true };
        var observation = new Option<FileInfo>("--observation") { Description = "Observation of one cluster (JSON, see docs/formats.md)", Required = true };
        var history = new Option<FileInfo?>("--history") { Description = "Past decisions and actions (JSON)" };
        var at = new Option<string?>("--at") { Description = "Evaluate at this time instead of the observation's (RFC 3339)" };
        var format = new Option<string>("--format") { Description = "Output: table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");

        var command = new Command("evaluate", "Evaluate a policy against one observation and print the decision with its trail")
        {
            policy, observation, history, at, format,
        };
        command.SetAction(result => cli.Run(() =>
        {
            var spec = InputFiles.Policy(result.GetValue(policy)!);
            var observed = WithUnits(InputFiles.Observation(result.GetValue(observation)!), spec);
            var past = InputFiles.History(result.GetValue(history));
            var now = InputFiles.Time(result.GetValue(at), "--at");
            var decision = new ScalingEngine(spec).Evaluate(observed, new ScalingHistory(past.AsMemory()), now: now);
            if (result.GetValue(format) == "json")
            {
                WriteJson(cli.Out, decision);
            }
            else
            {
                WriteTable(cli.Console, decision);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static void WriteJson(TextWriter output, ClusterDecision decision)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            DecisionJson.Write(writer, decision);
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    internal static void WriteTable(IAnsiConsole console, ClusterDecision decision)
    {
        console.MarkupLineInterpolated($"[bold]{decision.Cluster}[/] at {decision.Time:u}");
        foreach (var component in decision.Components)
        {
            var arrow = component.IsChange ? $"{component.From} -> {component.To}" : $"stays at {component.From}";
            console.WriteLine();
            console.MarkupLineInterpolated($"[bold]{component.Component}[/]: [yellow]{arrow}[/]");
            console.MarkupLineInterpolated($"  {component.Reason}");
            var table = new Table().Border(TableBorder.Rounded).AddColumns("policy", "proposal", "why");
            for (var i = 0; i < component.Proposals.Length; i++)
            {
                var p = component.Proposals[i];
                var proposal = p.Kind switch
                {
                    ProposalKind.Replicas => p.Replicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ProposalKind.Bounds => $"bounds [{p.MinReplicas?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, {p.MaxReplicas?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}]",
                    _ => "-",
                };
                var flags = (i == component.Winner ? " *" : "") + (p.VetoScaleDown ? " veto" : "") + (p.MetricsMissing ? " missing" : "");
                table.AddRow(Markup.Escape(p.Policy), Markup.Escape(proposal + flags), Markup.Escape(p.Explain()));
            }

            foreach (var guard in component.Guards)
            {
                table.AddRow(Markup.Escape("guard: " + guard.Guard), Markup.Escape($"{guard.Before} -> {guard.After}"), Markup.Escape(guard.Explain()));
            }

            console.Write(table);
            foreach (var expired in component.ExpiredOverrides)
            {
                console.MarkupLineInterpolated($"  [grey]override expired: {expired}[/]");
            }
        }
    }

    // An observation file carries a custom signal's samples; its unit is in the spec that defines it.
    private static ClusterObservation WithUnits(ClusterObservation observed, AutoscalingSpec spec) => observed with
    {
        Components = [.. observed.Components.Select(c => c with
        {
            Signals = c.Signals.WithCustom([.. c.Signals.CustomSignals.Select(w => w with { Unit = spec.Signals.FirstOrDefault(s => s.Name == w.Name)?.Unit ?? w.Unit })]),
        })],
    };
}
