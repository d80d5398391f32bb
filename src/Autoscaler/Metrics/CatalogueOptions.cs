namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>
/// How RisingWave's series are labelled where they are scraped. The defaults are what the upstream operator's
/// ServiceMonitor produces: <c>namespace</c> from discovery, <c>risingwave_name</c> and <c>risingwave_component</c>
/// from its <c>targetLabels</c> (risingwave.md section 2.3).
/// </summary>
internal sealed record CatalogueOptions
{
    public string NamespaceLabel { get; init; } = "namespace";

    public string ClusterLabel { get; init; } = "risingwave_name";

    public string ComponentLabel { get; init; } = "risingwave_component";

    /// <summary>The pod's name, which Prometheus-operator's discovery adds to every target; HPA's per-pod rules need it.</summary>
    public string PodLabel { get; init; } = "pod";

    /// <summary>
    /// The node group label, if your relabelling adds one (the ServiceMonitor's <c>risingwave_group</c> target label is
    /// normally absent because Services carry no group). Without it, every group of a component sees the component's signals.
    /// </summary>
    public string? GroupLabel { get; init; }

    /// <summary>The window of every rate(), deriv() and histogram rate. RisingWave's CPU counter counts whole seconds: keep it at 1m or more in production.</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Extra matchers added to every series selector, e.g. <c>namespace=~"prod-.*"</c> or <c>cluster="eu-1"</c>.</summary>
    public string Selector { get; init; } = "";

    /// <summary>Checks the names and the selector; returns the problems, each naming the option.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (option, value) in new[]
        {
            ("--label-namespace", NamespaceLabel), ("--label-cluster", ClusterLabel), ("--label-component", ComponentLabel), ("--label-group", GroupLabel ?? "x"), ("pod label", PodLabel),
        })
        {
            if (!IsLabelName(value))
            {
                problems.Add($"{option}: '{value}' is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)");
            }
        }

        if (RateWindow < TimeSpan.FromSeconds(1))
        {
            problems.Add($"--rate-window: must be at least 1s, got {RateWindow}");
        }

        if (Selector.Contains('{', StringComparison.Ordinal) || Selector.Contains('}', StringComparison.Ordinal))
        {
            problems.Add($"--selector: give the matchers without braces, e.g. cluster=\"eu-1\", got '{Selector}'");
        }

        return problems;
    }

    private static bool IsLabelName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
