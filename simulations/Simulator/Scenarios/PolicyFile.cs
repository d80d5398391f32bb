using System.Text.RegularExpressions;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Engine;

namespace RwAutoscaler.Simulator.Scenarios;

/// <summary>
/// A policy spec as the simulator runs it: the spec itself (the daemon's schema) plus <c>pollInterval</c>, how often
/// the host evaluates it (the daemon's polling interval; 15 s unless the file says otherwise). Baseline files may
/// use <c>{{name}}</c> placeholders the scenario fills in (peak replicas, the KEDA lag target).
/// </summary>
internal sealed partial record PolicyFile(string Name, AutoscalingSpec Spec, TimeSpan PollInterval, string Source)
{
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(15);

    /// <summary>The scenarios <c>autoscaler tune</c> made this policy on (its "# over:" header line); empty when not tuned.</summary>
    public IReadOnlyList<string> TunedOn { get; init; } = [];

    public static PolicyFile ReadFile(string path, IReadOnlyDictionary<string, string>? variables = null, PolicyRegistry? registry = null)
    {
        var text = SpecFile.ReadText(path);
        var tunedOn = TunedOnLine().Match(text) is { Success: true } over
            ? over.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];
        return Parse(text, Path.GetFileName(path), Path.GetFileNameWithoutExtension(path), variables, registry) with { TunedOn = tunedOn };
    }

    public static PolicyFile Parse(string text, string source, string name, IReadOnlyDictionary<string, string>? variables = null, PolicyRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var substituted = Substitute(text, source, variables ?? new Dictionary<string, string>());
        return FromNode(ConfigLoader.Parse(substituted, source), source, name, registry);
    }

    /// <summary>A policy file from an already parsed document (the tuner edits the tree, then reads it here).</summary>
    public static PolicyFile FromNode(ConfigNode root, string source, string name, PolicyRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        var poll = DefaultPollInterval;
        if (root is ConfigMap map && map.Entries.Any(e => e.Key == "pollInterval"))
        {
            var node = map.Entries.First(e => e.Key == "pollInterval").Value;
            if (node is not ConfigScalar scalar || !Durations.TryParse(scalar.Value, out poll) || poll < TimeSpan.FromSeconds(1) || poll > TimeSpan.FromHours(1))
            {
                throw new SpecException(source, [new SpecError("pollInterval", "must be a duration in [1s, 1h] such as 15s", node.Line, node.Column)]);
            }

            root = map with { Entries = map.Entries.Where(e => e.Key != "pollInterval").ToList() };
        }

        return new PolicyFile(name, SpecParser.Read(root, source, registry), poll, source);
    }

    /// <summary>The same policy with every component's maxReplicas capped at the node pool's size.</summary>
    public PolicyFile CappedAt(int computeMax, int compactorMax) => this with
    {
        Spec = Spec with
        {
            Components = [.. Spec.Components.Select(c =>
            {
                var max = Math.Min(c.MaxReplicas, c.Kind == Policies.Model.ComponentKind.Compute ? computeMax : compactorMax);
                return c with { MaxReplicas = max, MinReplicas = Math.Min(c.MinReplicas, max) };
            })],
        },
    };

    private static string Substitute(string text, string source, IReadOnlyDictionary<string, string> variables)
    {
        List<SpecError>? errors = null;
        var result = Placeholder().Replace(text, match =>
        {
            var key = match.Groups[1].Value;
            if (variables.TryGetValue(key, out var value))
            {
                return value;
            }

            if (match.Value is CustomSignalSpec.NamespacePlaceholder or CustomSignalSpec.NamePlaceholder)
            {
                return match.Value; // a custom signal's query names its clusters this way: not the scenario's to fill
            }

            var line = text.AsSpan(0, match.Index).Count('\n') + 1;
            (errors ??= []).Add(new SpecError(key, $"unknown placeholder; known: {string.Join(", ", variables.Keys.Order(StringComparer.Ordinal))}", line));
            return match.Value;
        });
        if (errors is not null)
        {
            throw new SpecException(source, errors);
        }

        return result;
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^# over: (.*)\.\r?$", RegexOptions.Multiline)]
    private static partial Regex TunedOnLine();
}
