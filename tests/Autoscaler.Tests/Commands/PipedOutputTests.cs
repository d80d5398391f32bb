using RwAutoscaler.TestKit;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Commands;

/// <summary>The autoscaler process with its output redirected to a file, as `autoscaler ... > out.txt` or `| less` run it.</summary>
public sealed class PipedOutputTests
{
    [Fact]
    public async Task Redirected_output_is_plain_text_with_tables_on_one_line_per_row()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "autoscaler.dll");
        var result = await ExternalTool.RunAsync("dotnet", [dll, "evaluate", "--policy", CliRunner.Repo("examples/policy.yaml"), "--observation", CliRunner.Repo("examples/observation.json")],
            environment: new Dictionary<string, string> { ["TERM"] = "xterm-256color" }, timeout: TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.DoesNotContain('\u001b', result.StandardOutput);
        var row = Assert.Single(result.StandardOutput.Split('\n'), l => l.Contains("│ throughput", StringComparison.Ordinal));
        Assert.Contains("4 replicas process 112,245/s -> 8 │", row, StringComparison.Ordinal);
    }
}
