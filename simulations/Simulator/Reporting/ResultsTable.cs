using System.Text;

namespace RwAutoscaler.Simulator.Reporting;

/// <summary>
/// The results table of simulations/README.md: per scenario, SLO-violation time, cost against the clairvoyant
/// frontier at that violation and against the free-rescale floor, and rescales per hour, of each of our points and of
/// every baseline, with how each point compares with each baseline; then each point's figures over all scenarios, the
/// ones it was tuned on and the ones held out. Written between the
/// <c>results:begin</c> and <c>results:end</c> markers so the rest of the file stays as people wrote it.
/// </summary>
internal static class ResultsTable
{
    public const string Begin = "<!-- results:begin -->";
    public const string End = "<!-- results:end -->";

    /// <summary>The goal: cost within this factor of the clairvoyant frontier at the policy's own violation time.</summary>
    public const double CostGoal = 1.3;

    public static string Update(string document, IReadOnlyList<ScenarioOutcome> outcomes, string command)
    {
        ArgumentNullException.ThrowIfNull(document);
        var table = Render(outcomes, command);
        var begin = document.IndexOf(Begin, StringComparison.Ordinal);
        var end = document.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            return document + (document.Length > 0 && !document.EndsWith('\n') ? "\n" : "") + Begin + "\n" + table + End + "\n";
        }

        return document[..(begin + Begin.Length)] + "\n" + table + document[end..];
    }

    public static string Render(IReadOnlyList<ScenarioOutcome> outcomes, string command)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var md = new StringBuilder();
        var points = outcomes.SelectMany(o => o.Points.Select(r => r.Policy)).Distinct().ToList();
        var others = outcomes.SelectMany(o => o.NamedBaselines.Select(r => r.Policy)).Distinct().ToList();
        var tunedOn = outcomes.Count > 0 ? outcomes[0].Plan.Policies[0].TunedOn : [];
        var marks = string.Join(", ", points);
        md.AppendLine();
        md.AppendLine($"Each cell: time with the SLO violated (share of the run) / cost as a multiple of the clairvoyant frontier at that "
            + "violation time (F; - where the frontier has no schedule that violates as little) and of the free-rescale floor / compute+compactor "
            + $"rescales per hour. Our points are in bold. The marks after a baseline compare each of our points with it, in order ({marks}): "
            + "✓ less violation time at no more cost, = neither violated and ours cost no more, ▲ less violation time but more cost, "
            + "▼ cheaper but more violation time, ✗ more violation time at more cost. "
            + $"Goals: {points.FirstOrDefault() ?? "ours"} within {CostGoal:0.0}x of the frontier (median); for each of HPA, KEDA and Flink one point "
            + "✓ in at least 11 of 13 scenarios; at most 1 compactor rescale per hour everywhere."
            + (tunedOn.Count > 0 ? " Scenarios marked * are held out: the tuner never saw them." : ""));
        md.AppendLine();
        md.Append("| scenario |");
        foreach (var name in points)
        {
            md.Append(" **").Append(name).Append("** |");
        }

        foreach (var name in others)
        {
            md.Append(' ').Append(name).Append(" |");
        }

        md.AppendLine();
        md.Append("|---|").Append(string.Concat(Enumerable.Repeat("---|", points.Count + others.Count))).AppendLine();
        foreach (var outcome in outcomes)
        {
            var held = tunedOn.Count > 0 && !tunedOn.Contains(outcome.Plan.Scenario.Name);
            md.Append("| ").Append(outcome.Plan.Scenario.Name).Append(held ? " *" : "").Append(" |");
            var ours = points.Select(name => outcome.Points.FirstOrDefault(r => r.Policy == name)).ToList();
            foreach (var run in ours)
            {
                md.Append(' ').Append(run is null ? "-" : $"**{Cell(outcome, run)}**").Append(" |");
            }

            foreach (var name in others)
            {
                var other = outcome.NamedBaselines.FirstOrDefault(r => r.Policy == name);
                var mark = other is null ? "" : string.Concat(ours.Select(r => r is null ? "-" : Mark(r.Scores, other.Scores)));
                md.Append(' ').Append(other is null ? "-" : $"{Cell(outcome, other)} {mark}").Append(" |");
            }

            md.AppendLine();
        }

        md.AppendLine();
        foreach (var line in Summary(outcomes, points, tunedOn))
        {
            md.AppendLine(line);
        }

        foreach (var line in LimitedFrontierTable.Lines(outcomes))
        {
            md.AppendLine(line);
        }

        md.AppendLine();
        md.AppendLine("Regenerate with:");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(command);
        md.AppendLine("```");
        md.AppendLine();
        return md.ToString();
    }

    /// <summary>
    /// ✓ less violation time at no more cost; = neither violated and ours cost no more; ▲ less violation, more cost;
    /// ▼ cheaper, more violation (or as much); ✗ more violation time (or as much) at more cost.
    /// </summary>
    public static string Mark(Scoring.Scores ours, Scoring.Scores other)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(other);
        return Mark(ours.ViolationSeconds, ours.CoreHours, other.ViolationSeconds, other.CoreHours);
    }

    public static string Mark(double violation, double coreHours, double otherViolation, double otherCoreHours)
    {
        var noMoreCost = coreHours <= otherCoreHours * 1.0001;
        var lessViolation = violation < otherViolation;
        if (violation == 0 && otherViolation == 0)
        {
            return noMoreCost ? "=" : "✗";
        }

        return (lessViolation, noMoreCost) switch
        {
            (true, true) => "✓",
            (true, false) => "▲",
            (false, true) => "▼",
            _ => "✗",
        };
    }

    /// <summary>How each point does: median cost over the frontier, its compactor rescales, its marks against each baseline.</summary>
    private static IEnumerable<string> Summary(IReadOnlyList<ScenarioOutcome> outcomes, IReadOnlyList<string> points, IReadOnlyList<string> tunedOn)
    {
        var baselines = new[] { "hpa", "keda", "flink" };
        yield return "| point | scenarios | median cost / F | within 1.3x F | max compactor rescales/h | ✓ against hpa | ✓ against keda | ✓ against flink |";
        yield return "|---|---|---|---|---|---|---|---|";
        var sets = tunedOn.Count == 0
            ? new[] { ("all", outcomes.ToList()) }
            : new[]
            {
                ("all", outcomes.ToList()),
                ("tuned on", outcomes.Where(o => tunedOn.Contains(o.Plan.Scenario.Name)).ToList()),
                ("held out", outcomes.Where(o => !tunedOn.Contains(o.Plan.Scenario.Name)).ToList()),
            };
        foreach (var name in points)
        {
            foreach (var (label, set) in sets)
            {
                var runs = set.Select(o => (Outcome: o, Run: o.Points.FirstOrDefault(r => r.Policy == name))).Where(p => p.Run is not null).ToList();
                if (runs.Count == 0)
                {
                    continue;
                }

                var ratios = runs.Select(p => p.Outcome.FrontierRatio(p.Run!)).OfType<double>().Order().ToList();
                var median = ratios.Count == 0 ? "-" : Format.Ratio(Median(ratios));
                var within = ratios.Count(r => r <= CostGoal);
                var compactors = runs.Max(p => p.Run!.Scores.CompactorRescales / p.Outcome.Plan.Workload.Duration.TotalHours);
                var wins = baselines.Select(b => runs.Count(p => p.Outcome.NamedBaselines.FirstOrDefault(r => r.Policy == b) is { } other
                    && Mark(p.Run!.Scores, other.Scores) is "✓" or "="));
                yield return $"| {name} | {label} ({runs.Count}) | {median} | {within} | {Format.Number(compactors, "0.##")} | {string.Join(" | ", wins)} |";
            }
        }
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static string Cell(ScenarioOutcome outcome, Running.RunResult run)
    {
        var s = run.Scores;
        var hours = outcome.Plan.Workload.Duration.TotalHours;
        var frontier = outcome.FrontierRatio(run) is { } f ? Format.Ratio(f) : "-";
        return $"{Format.Duration(s.ViolationSeconds)} ({Format.Percent(s.ViolationFraction)}) / {frontier} F ({Format.Ratio(s.CostRatio)}) / "
            + $"{Format.Number(s.ComputeRescales / hours, "0.#")}+{Format.Number(s.CompactorRescales / hours, "0.#")}";
    }
}
