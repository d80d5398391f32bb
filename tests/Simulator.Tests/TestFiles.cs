using RwAutoscaler.Simulator.Model;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Workloads;

namespace RwAutoscaler.Simulator.Tests;

/// <summary>Paths in the repository and small scenarios built in code, so tests stay short.</summary>
internal static class TestFiles
{
    public static string Root { get; } = FindRoot();

    public static string Simulations(string relative) => Path.Combine(Root, "simulations", relative);

    /// <summary>A temporary file with the given text; deleted with the folder at process exit is not needed, names are unique.</summary>
    public static string Write(string name, string text)
    {
        var folder = Path.Combine(Path.GetTempPath(), "sim-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    public static Scenario Synthetic(SyntheticWorkload workload, ModelParameters? model = null, SloSpec? slo = null, string? policy = null) => new()
    {
        Name = "test-" + workload.Pattern,
        Workload = new WorkloadSpec { Synthetic = workload },
        Model = model ?? new ModelParameters(),
        Slo = slo ?? new SloSpec(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)),
        Policy = policy,
    };

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Autoscaler.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Autoscaler.sln) is not above " + AppContext.BaseDirectory);
    }
}
