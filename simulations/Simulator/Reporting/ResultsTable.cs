using System.Text;

namespace RwAutoscaler.Simulator.Reporting;

/// <summary>
/// The results table of simulations/README.md: per scenario, SLO-violation time, cost against the clairvoyant
/// frontier at that violation and against the free-rescale floor, and rescales per hour, of our policy and of every
/// other policy, and whether our policy meets the goal there. Written between the
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
        var names = outcomes.SelectMany(o => o.Runs.Skip(1).Select(r => r.Policy)).Distinct().ToList();
        var ours = outcomes.Count > 0 ? outcomes[0].Ours.Policy : "ours";
        md.AppendLine();
        md.AppendLine($"Each cell: time with the SLO violated (share of the run) / cost as a multiple of the clairvoyant frontier at that "
            + "violation time (F; - where the frontier has no schedule that violates as little) and of the free-rescale floor / compute+compactor "
            + $"rescales per hour. **{ours}** is our policy. The mark after another policy compares {ours} with it: ✓ less violation time at no more cost, "
            + $"= neither violated and {ours} cost no more, ▲ less violation time but more cost, ▼ cheaper but more violation time, "
            + $"✗ more violation time at more cost. Goal: ✓ (or =) against every baseline and cost within {CostGoal:0.0}x of the frontier.");
        md.AppendLine();
        md.Append("| scenario | ").Append(ours).Append(" | within 1.3x F |");
        foreach (var name in names)
        {
            md.Append(' ').Append(name).Append(" |");
        }

        md.AppendLine();
        md.Append("|---|---|---|");
        foreach (var _ in names)
        {
            md.Append("---|");
        }

        md.AppendLine();
        foreach (var outcome in outcomes)
        {
            var mine = outcome.Ours.Scores;
            md.Append("| ").Append(outcome.Plan.Scenario.Name).Append(" | **").Append(Cell(outcome, outcome.Ours)).Append("** | ")
                .Append(WithinGoal(outcome) ? "yes" : "no").Append(" |");
            foreach (var name in names)
            {
                var other = outcome.Runs.Skip(1).FirstOrDefault(r => r.Policy == name);
                md.Append(' ').Append(other is null ? "-" : $"{Cell(outcome, other)} {Mark(mine, other.Scores)}").Append(" |");
            }

            md.AppendLine();
        }

        md.AppendLine();
        md.AppendLine(Summary(outcomes, ours));
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
        var noMoreCost = ours.CoreHours <= other.CoreHours * 1.0001;
        var lessViolation = ours.ViolationSeconds < other.ViolationSeconds;
        if (ours.ViolationSeconds == 0 && other.ViolationSeconds == 0)
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

    /// <summary>Meets the goal in a scenario: ✓ or = against every baseline, and cost within <see cref="CostGoal"/>.</summary>
    public static bool MeetsGoal(ScenarioOutcome outcome, IReadOnlyCollection<string> baselines)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(baselines);
        var mine = outcome.Ours.Scores;
        return WithinGoal(outcome)
            && outcome.Baselines.Where(r => baselines.Contains(r.Policy)).All(r => Mark(mine, r.Scores) is "✓" or "=");
    }

    private static string Summary(IReadOnlyList<ScenarioOutcome> outcomes, string ours)
    {
        var baselines = Scenarios.Baselines.Names;
        var met = outcomes.Count(o => MeetsGoal(o, baselines));
        var parts = new List<string>();
        foreach (var name in baselines)
        {
            var runs = outcomes.Select(o => (Ours: o.Ours.Scores, Other: o.Baselines.FirstOrDefault(r => r.Policy == name)?.Scores)).Where(p => p.Other is not null).ToList();
            if (runs.Count == 0)
            {
                continue;
            }

            var dominated = runs.Count(p => Mark(p.Ours, p.Other!) is "✓" or "=");
            var lessViolation = runs.Count(p => p.Ours.ViolationSeconds < p.Other!.ViolationSeconds || (p.Ours.ViolationSeconds == 0 && p.Other.ViolationSeconds == 0));
            parts.Add($"{name}: ✓/= in {dominated}, no more violation time in {lessViolation}");
        }

        var within = outcomes.Count(WithinGoal);
        var ratios = outcomes.Select(o => o.FrontierRatio(o.Ours)).OfType<double>().Order().ToList();
        var median = ratios.Count == 0 ? "-" : Format.Ratio(ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[(ratios.Count / 2) - 1] + ratios[ratios.Count / 2]) / 2);
        var compactors = outcomes.Max(o => o.Ours.Scores.CompactorRescales / o.Plan.Workload.Duration.TotalHours);
        return $"**{ours}** meets the whole goal in {met} of {outcomes.Count} scenarios. Against each baseline, out of {outcomes.Count}: "
            + string.Join("; ", parts) + $". Cost within {CostGoal:0.0}x of the frontier in {within} of {outcomes.Count} (median {median}); "
            + $"at most {Format.Number(compactors, "0.#")} compactor rescales per hour.";
    }

    private static bool WithinGoal(ScenarioOutcome outcome) => outcome.FrontierRatio(outcome.Ours) is <= CostGoal;

    private static string Cell(ScenarioOutcome outcome, Running.RunResult run)
    {
        var s = run.Scores;
        var hours = outcome.Plan.Workload.Duration.TotalHours;
        var frontier = outcome.FrontierRatio(run) is { } f ? Format.Ratio(f) : "-";
        return $"{Format.Duration(s.ViolationSeconds)} ({Format.Percent(s.ViolationFraction)}) / {frontier} F ({Format.Ratio(s.CostRatio)}) / "
            + $"{Format.Number(s.ComputeRescales / hours, "0.#")}+{Format.Number(s.CompactorRescales / hours, "0.#")}";
    }
}
