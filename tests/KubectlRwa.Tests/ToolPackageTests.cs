using RwAutoscaler.TestKit;
using Xunit;

namespace RwAutoscaler.KubectlRwa.Tests;

/// <summary>Issue 17: dotnet pack makes .NET tool packages of kubectl-rwa and autoscaler, and dotnet tool install runs them.</summary>
public sealed class ToolPackageTests
{
    [Fact]
    public async Task Both_tools_pack_install_into_a_tool_path_and_run()
    {
        var dotnet = ExternalTool.Find("dotnet") ?? throw new InvalidOperationException("dotnet is not on PATH");
        var work = Directory.CreateTempSubdirectory("tool-package-");
        try
        {
            var packages = Path.Combine(work.FullName, "packages");
            var tools = Path.Combine(work.FullName, "tools");
            foreach (var (project, id, command, args, expected) in new[]
            {
                ("src/KubectlRwa/KubectlRwa.csproj", "RwAutoscaler.KubectlRwa", "kubectl-rwa", new[] { "--help" }, "pause"),
                ("src/Autoscaler/Autoscaler.csproj", "RwAutoscaler.Cli", "autoscaler", new[] { "policies" }, "external"),
            })
            {
                // From the build the tests run on (no second build: it would load CI's two cores for a minute).
                var pack = await ExternalTool.RunAsync(dotnet, ["pack", PluginRig.Repo(project), "-c", PluginRig.Configuration, "--no-build", "-o", packages, "--nologo"], timeout: TimeSpan.FromMinutes(5));
                Assert.True(pack.ExitCode == 0, pack.StandardOutput + pack.StandardError);
                var install = await ExternalTool.RunAsync(dotnet, ["tool", "install", id, "--tool-path", tools, "--add-source", packages, "--version", "0.1.0"], timeout: TimeSpan.FromMinutes(3));
                Assert.True(install.ExitCode == 0, install.StandardOutput + install.StandardError);

                var run = await ExternalTool.RunAsync(Path.Combine(tools, command), args, timeout: TimeSpan.FromMinutes(1));
                Assert.True(run.ExitCode == 0, run.StandardError);
                Assert.Contains(expected, run.StandardOutput, StringComparison.Ordinal);
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
