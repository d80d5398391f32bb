namespace RwAutoscaler.Simulator.Reporting;

/// <summary>
/// The results table's rows for <c>simulate --compactor-limit</c>: what a policy held to the limit could reach against
/// each baseline. The room is how much cheaper than the baseline the limited frontier is at the baseline's violation
/// time (read on its chord, as the F column reads the frontier); the found schedules within the limit that are ✓
/// against it show the room is there without the chord.
/// </summary>
internal static class LimitedFrontierTable
{
    public static IEnumerable<string> Lines(IReadOnlyList<ScenarioOutcome> outcomes)
    {
        var limited = outcomes.Where(o => o.Frontier.WithinCompactorLimit is not null).ToList();
        if (limited.Count == 0)
        {
            yield break;
        }

        var limits = limited.Select(o => o.Frontier.WithinCompactorLimit!.CompactorRescalesPerHour).Distinct().Select(l => Format.Number(l, "0.##"));
        yield return "";
        yield return $"What a policy held to a compactor rescale limit of {string.Join(" / ", limits)} per hour could reach: the clairvoyant frontier within that limit "
            + "(`--compactor-limit`), against each baseline. Room: how much cheaper than the baseline that frontier is at the baseline's violation time, "
            + "read on its chord as F is. Found: the searched schedules within the limit that are ✓ against the baseline (less violation time at no more cost), "
            + "in how many scenarios there is one, and the smallest of the best margins.";
        yield return "";
        yield return "| baseline | room in | least room | a found schedule is ✓ in | least margin of a found schedule |";
        yield return "|---|---|---|---|---|";
        foreach (var baseline in new[] { "hpa", "keda", "flink" })
        {
            var rows = limited
                .Select(o => (Outcome: o, Run: o.NamedBaselines.FirstOrDefault(r => r.Policy == baseline)))
                .Where(x => x.Run is not null)
                .Select(x => Against(x.Outcome.Plan.Scenario.Name, x.Outcome.Frontier.WithinCompactorLimit!.Frontier, x.Run!.Scores))
                .ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            var room = rows.Where(r => r.Room > 0).ToList();
            var found = rows.Where(r => r.Found is not null).ToList();
            yield return $"| {baseline} | {room.Count} of {rows.Count} | {Least(rows, r => r.Room)} | {found.Count} of {rows.Count}"
                + $"{(found.Count < rows.Count ? $" (not {string.Join(", ", rows.Where(r => r.Found is null).Select(r => r.Scenario))})" : "")} | {Least(found, r => r.Found)} |";
        }
    }

    private sealed record LimitedRoom(string Scenario, double? Room, double? Found);

    private static LimitedRoom Against(string scenario, Frontier.Frontier within, Scoring.Scores other)
    {
        var room = within.CostAt(other.ViolationSeconds) is { } cost ? 1 - (cost / other.CoreHours) : (double?)null;
        var best = within.Points
            .Where(p => ResultsTable.Mark(p.ViolationSeconds, p.CoreHours, other.ViolationSeconds, other.CoreHours) is "✓" or "=")
            .Select(p => (double?)p.CoreHours).Min();
        return new LimitedRoom(scenario, room, best is { } b ? 1 - (b / other.CoreHours) : null);
    }

    private static string Least(IEnumerable<LimitedRoom> rows, Func<LimitedRoom, double?> value) =>
        rows.Select(r => (r.Scenario, Value: value(r))).Where(r => r.Value is not null).OrderBy(r => r.Value).FirstOrDefault() is { Value: { } least } row
            ? $"{(least < 0 ? "-" + Format.Percent(-least) : Format.Percent(least))} ({row.Scenario})"
            : "-";
}
