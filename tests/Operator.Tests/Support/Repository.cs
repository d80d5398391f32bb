using System.Text.Json.Nodes;
using RwAutoscaler.Operator.Yaml;

namespace RwAutoscaler.Operator.Tests.Support;

/// <summary>Files of the repository the tests read: examples, the committed CRD, the Node validation package.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>The example manifests under examples/risingwave, by file name.</summary>
    public static IReadOnlyList<string> Examples =>
        Directory.GetFiles(PathOf("examples/risingwave"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    /// <summary>Every document of an example file.</summary>
    public static IReadOnlyList<JsonObject> LoadExample(string file) =>
        YamlJson.Load(File.ReadAllText(PathOf(Path.Combine("examples/risingwave", file)))).Cast<JsonObject>().ToList();

    /// <summary>The RisingWave document of an example file.</summary>
    public static JsonObject LoadRisingWave(string file) =>
        LoadExample(file).Single(d => (string?)d["kind"] == "RisingWave");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Autoscaler.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Autoscaler.sln not found above " + AppContext.BaseDirectory);
    }
}
