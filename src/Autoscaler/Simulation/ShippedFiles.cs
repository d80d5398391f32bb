using RwAutoscaler.Autoscaler.Cli;

namespace RwAutoscaler.Autoscaler.Simulation;

/// <summary>Finds the repository's simulations/ folder, for the runs that name no scenario.</summary>
internal static class ShippedFiles
{
    /// <summary>The scenario <c>autoscaler simulate</c> runs when none is given.</summary>
    public const string DefaultScenario = "simulations/scenarios/nyc-taxi-diurnal.yaml";

    public static string Find(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new CliError($"no --scenario given and the shipped {relative} was not found above {Directory.GetCurrentDirectory()}; pass --scenario FILE");
    }
}
