namespace RwAutoscaler.Autoscaler.Tests.Fixtures;

/// <summary>A scenario file for the simulate command: an hour of a square wave, short enough for a test.</summary>
internal static class ShortScenario
{
    private const string Yaml = """
        description: A square wave, short enough for a test.
        workload:
          synthetic:
            pattern: step
            levels: [300000, 1100000]
            hold: 15m
            duration: 1h
        slo:
          barrierLatency: 10s
          lagSeconds: 60s
        """;

    /// <summary>Writes <c>scenario.yaml</c> into <paramref name="folder"/>, named <paramref name="name"/>, run with <paramref name="policy"/>; returns its path.</summary>
    public static string Write(DirectoryInfo folder, string name, string policy)
    {
        var path = Path.Combine(folder.FullName, "scenario.yaml");
        File.WriteAllText(path, $"name: {name}\n{Yaml}\npolicy: {policy}\n");
        return path;
    }
}
