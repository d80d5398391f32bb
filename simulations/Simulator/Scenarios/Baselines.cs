using RwAutoscaler.Policies.Configuration;

namespace RwAutoscaler.Simulator.Scenarios;

/// <summary>
/// The baselines: policy spec files (simulations/baselines/*.yaml, built into this assembly) run through the same
/// engine as our policy. No baseline has code of its own.
/// </summary>
internal static class Baselines
{
    public static IReadOnlyList<string> Names { get; } = ["hpa", "keda", "flink", "static"];

    public static bool IsBaseline(string name) => Names.Contains(name, StringComparer.Ordinal);

    public static string Text(string name)
    {
        using var stream = typeof(Baselines).Assembly.GetManifestResourceStream($"baselines/{name}.yaml")
            ?? throw new SpecException(name, [new SpecError("", $"no baseline named '{name}'; known: {string.Join(", ", Names)}")]);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static PolicyFile Load(string name, IReadOnlyDictionary<string, string> variables) =>
        PolicyFile.Parse(Text(name), $"baselines/{name}.yaml", name, variables);

    /// <summary>A baseline by name, or a policy file by path.</summary>
    public static PolicyFile Resolve(string nameOrPath, IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        if (IsBaseline(nameOrPath))
        {
            return Load(nameOrPath, variables);
        }

        if (!File.Exists(nameOrPath))
        {
            throw new SpecException(nameOrPath, [new SpecError("", $"is neither a baseline ({string.Join(", ", Names)}) nor an existing policy file")]);
        }

        return PolicyFile.ReadFile(nameOrPath, variables);
    }
}
