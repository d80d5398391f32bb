namespace RwAutoscaler.Policies.Decisions;

/// <summary>A guard that changed (or held) the recommendation, and how.</summary>
public readonly record struct GuardStep
{
    /// <summary>Short guard name: bounds, stabilization, rate-limit, cooldown, rescale-in-progress, ...</summary>
    public required string Guard { get; init; }

    public required int Before { get; init; }

    public required int After { get; init; }

    public required ExplanationTemplate Template { get; init; }

    public Numbers Numbers { get; init; }

    public string Explain() => Template.Render(Numbers);
}
