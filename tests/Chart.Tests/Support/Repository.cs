namespace RwAutoscaler.Chart.Tests.Support;

/// <summary>Paths in the repository the tests read: the chart, examples, Dockerfiles, the Node validation package.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string ChartDirectory => PathOf("charts/risingwave-autoscaler");

    /// <summary>The build configuration this test assembly was built with (Debug or Release), for the executables.</summary>
    public static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

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
