using System.Text;

namespace RwAutoscaler.Simulator.Reporting;

/// <summary>
/// The results table of simulations/README.md: per scenario, SLO-violation time and cost against the lower bound
/// of our policy and of every other policy, and whether our policy meets the goal there. Written between the
/// <c>results:begin</c> and <c>results:end</c> markers so the rest of the file stays as people wrote it.
/// </summary>
internal static class ResultsTable
{
    public const string Begin = "<!-- results:begin -->";
    public const string End = "<!-- results:end -->";

    /// <summary>The goal: cost within this factor of the lower bound.</summary>
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
        md.AppendLine($"Each cell: time with the SLO violated (share of the run) / cost as a multiple of the lower bound. "
            + $"**{ours}** is our policy. A mark after a baseline: ✓ {ours} had less violation time at no more cost, "
            + $"= both had none and {ours} cost no more, ✗ otherwise. Goal: ✓ against every baseline and cost within {CostGoal:0.0}x of the bound.");
        md.AppendLine();
        md.Append("| scenario | ").Append(ours).Append(" | within 1.3x |");
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
            md.Append("| ").Append(outcome.Plan.Scenario.Name).Append(" | **").Append(Cell(mine)).Append("** | ")
                .Append(mine.CostRatio <= CostGoal ? "yes" : "no").Append(" |");
            foreach (var name in names)
            {
                var other = outcome.Runs.Skip(1).FirstOrDefault(r => r.Policy == name);
                md.Append(' ').Append(other is null ? "-" : $"{Cell(other.Scores)} {Mark(mine, other.Scores)}").Append(" |");
            }

            md.AppendLine();
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

    /// <summary>✓ less violation time at no more cost; = neither violated and ours cost no more; ✗ otherwise.</summary>
    public static string Mark(Scoring.Scores ours, Scoring.Scores other)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(other);
        var noMoreCost = ours.CoreHours <= other.CoreHours * 1.0001;
        if (ours.ViolationSeconds < other.ViolationSeconds && noMoreCost)
        {
            return "✓";
        }

        return ours.ViolationSeconds == 0 && other.ViolationSeconds == 0 && noMoreCost ? "=" : "✗";
    }

    private static string Cell(Scoring.Scores s) => $"{Format.Duration(s.ViolationSeconds)} ({Format.Percent(s.ViolationFraction)}) / {Format.Ratio(s.CostRatio)}";
}
