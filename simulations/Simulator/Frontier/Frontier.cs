namespace RwAutoscaler.Simulator.Frontier;

/// <summary>One clairvoyant schedule, scored in the model: the price of violation it was searched at, and its scores.</summary>
internal sealed record FrontierPoint(double Price, double ViolationSeconds, double CoreHours, int ComputeRescales, int CompactorRescales);

/// <summary>
/// The cheapest cost found for each amount of SLO violation: the Pareto set of the clairvoyant schedules, sorted by
/// violation (cost falls as violation grows). Between two points the cost is read on the chord, the time-sharing of
/// the two schedules, which is never above what either offers.
/// </summary>
internal sealed record Frontier(IReadOnlyList<FrontierPoint> Points, TimeSpan Elapsed)
{
    /// <summary>The same search held to a number of compactor rescales an hour; null when it was not asked for.</summary>
    public LimitedFrontier? WithinCompactorLimit { get; init; }

    public static IReadOnlyList<FrontierPoint> Pareto(IEnumerable<FrontierPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var kept = new List<FrontierPoint>();
        foreach (var point in points.OrderBy(p => p.ViolationSeconds).ThenBy(p => p.CoreHours))
        {
            if (kept.Count == 0 || point.CoreHours < kept[^1].CoreHours)
            {
                kept.Add(point);
            }
        }

        return kept;
    }

    /// <summary>The frontier's cost at <paramref name="violationSeconds"/>; null when every point violates more.</summary>
    public double? CostAt(double violationSeconds)
    {
        if (Points.Count == 0 || violationSeconds < Points[0].ViolationSeconds)
        {
            return null;
        }

        for (var i = Points.Count - 1; i >= 0; i--)
        {
            var left = Points[i];
            if (left.ViolationSeconds > violationSeconds)
            {
                continue;
            }

            if (i == Points.Count - 1)
            {
                return left.CoreHours;
            }

            var right = Points[i + 1];
            var share = (violationSeconds - left.ViolationSeconds) / (right.ViolationSeconds - left.ViolationSeconds);
            return left.CoreHours + ((right.CoreHours - left.CoreHours) * share);
        }

        return null;
    }

    /// <summary>A cost over the frontier's at the same violation; null where the frontier has no point that violates as little.</summary>
    public double? Ratio(double coreHours, double violationSeconds) =>
        CostAt(violationSeconds) is { } frontier && frontier > 0 ? coreHours / frontier : null;
}

/// <summary>
/// The Pareto set of the clairvoyant schedules that rescale compactors at most <paramref name="CompactorRescalesPerHour"/>
/// times an hour on average, the limit our policies are held to.
/// </summary>
internal sealed record LimitedFrontier(double CompactorRescalesPerHour, Frontier Frontier);
