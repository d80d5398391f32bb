using System.Xml.Linq;
using RwAutoscaler.Chart.Tests.Support;
using Xunit;

namespace RwAutoscaler.Chart.Tests;

/// <summary>
/// No docker engine runs here, so the Dockerfiles are checked by reading: multi-stage, a runtime-only final image,
/// a numeric non-root user (the chart's runAsUser), every COPY source present, every project the build needs copied,
/// and the entrypoint naming the assembly the project builds.
/// </summary>
public sealed class DockerfileTests
{
    [Theory]
    [InlineData("src/Autoscaler/Dockerfile", "src/Autoscaler/Autoscaler.csproj")]
    [InlineData("src/Operator/Dockerfile", "src/Operator/Operator.csproj")]
    public void The_Dockerfile_builds_the_project_and_runs_it_as_non_root_in_a_runtime_image(string dockerfile, string project)
    {
        var lines = File.ReadAllLines(Repository.PathOf(dockerfile)).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.True(froms.Count >= 2, "multi-stage: a build stage and a runtime stage");
        Assert.Contains("/dotnet/sdk:", froms[0], StringComparison.Ordinal);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0-[a-z]+-chiseled\b", froms[^1]);

        var runtime = lines.SkipWhile(l => l != froms[^1]).ToList();
        var user = runtime.Single(l => l.StartsWith("USER ", StringComparison.Ordinal))[5..].Split(':')[0];
        Assert.Equal("1654", user);
        var chartUser = Charts.Chart.Render().Single(o => o.Kind == "Deployment" && o.Name == "rwa-autoscaler").Object["spec"]!["template"]!["spec"]!["securityContext"]!["runAsUser"]!;
        Assert.Equal(user, chartUser.ToJsonString());

        // Every source a COPY names exists; together they hold every project of the build and every file it embeds.
        var copied = lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal))
            .SelectMany(l => l[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1)).ToList();
        Assert.All(copied, c => Assert.True(File.Exists(Repository.PathOf(c)) || Directory.Exists(Repository.PathOf(c)), $"{dockerfile}: COPY {c}: no such path"));
        foreach (var needed in BuildInputs(project))
        {
            Assert.True(copied.Any(c => needed == c.TrimEnd('/') || needed.StartsWith(c.EndsWith('/') ? c : c + "/", StringComparison.Ordinal)),
                $"{dockerfile} does not copy {needed}, which building {project} reads");
        }

        Assert.Contains(lines, l => l.StartsWith("RUN dotnet publish " + project, StringComparison.Ordinal));
        var assembly = XDocument.Load(Repository.PathOf(project)).Descendants("AssemblyName").Single().Value;
        Assert.Equal($"ENTRYPOINT [\"dotnet\", \"{assembly}.dll\"]", runtime.Last(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal)));
    }

    // The project's folder, those of every project it references (transitively), embedded files outside them, and
    // the repository-wide build files.
    private static SortedSet<string> BuildInputs(string project)
    {
        var inputs = new SortedSet<string>(StringComparer.Ordinal) { "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig" };
        var pending = new Stack<string>([project]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            var directory = Path.GetDirectoryName(current)!;
            if (!inputs.Add(directory))
            {
                continue;
            }

            var xml = XDocument.Load(Repository.PathOf(current));
            foreach (var reference in xml.Descendants("ProjectReference").Select(r => r.Attribute("Include")!.Value))
            {
                pending.Push(Normalize(Path.Combine(directory, reference)));
            }

            foreach (var embedded in xml.Descendants("EmbeddedResource").Select(r => r.Attribute("Include")!.Value))
            {
                inputs.Add(Path.GetDirectoryName(Normalize(Path.Combine(directory, embedded)))!);
            }
        }

        return inputs;
    }

    private static string Normalize(string path) =>
        Path.GetRelativePath(Repository.Root, Path.GetFullPath(Repository.PathOf(path.Replace('\\', '/'))));
}
