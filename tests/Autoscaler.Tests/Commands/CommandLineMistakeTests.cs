using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Commands;

/// <summary>
/// The README's promise for every command: --help works, and a mistake on the command line (an unknown command or
/// flag, a missing option, a value of the wrong form, a bad choice) is one "error:" line that names it, no .NET type
/// names, and exit code 2.
/// </summary>
public sealed class CommandLineMistakeTests
{
    public static TheoryData<string[], string> Mistakes => new()
    {
        { ["nosuch"], "error: Unrecognized command or argument 'nosuch'. (see: autoscaler --help)" },
        { ["simulate", "--budget", "3"], "error: Unrecognized command or argument '--budget'. (see: autoscaler simulate --help)" },
        { ["tune", "--scenario", "s.yaml", "--space", "x.yaml", "--budget", "abc"], "error: Cannot parse argument 'abc' for option '--budget' as an integer. (see: autoscaler tune --help)" },
        { ["tune", "--space", "x.yaml"], "error: Option '--scenario' is required. (see: autoscaler tune --help)" },
        { ["evaluate", "--policy", "p.yaml", "--observation", "o.json", "--format", "xml"], "error: Argument 'xml' not recognized. Must be one of: 'table', 'json' (see: autoscaler evaluate --help)" },
        { ["dry-run", "--policy"], "error: Required argument missing for option: '--policy'. (see: autoscaler dry-run --help)" },
        { ["record", "--cluster", "a/b", "--prometheus", "http://127.0.0.1:1", "--start", "now-1h", "--out", "x", "--step", "fast"], "error: --step: expected a duration such as 30s, 2m or 1h, got 'fast'" },
        { ["run", "--workers", "many"], "error: Cannot parse argument 'many' for option '--workers' as an integer. (see: autoscaler run --help)" },
        { ["crd", "--output"], "error: Required argument missing for option: '--output'. (see: autoscaler crd --help)" },
        { ["policies", "extra"], "error: Unrecognized command or argument 'extra'. (see: autoscaler policies --help)" },
        { ["export", "--recording"], "error: Required argument missing for option: '--recording'. (see: autoscaler export --help)" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_is_one_error_line_and_exit_code_2(string[] args, string message)
    {
        var result = CliRunner.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(message, result.Error.TrimEnd('\n'));
        Assert.DoesNotContain("System.", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void A_compared_file_that_is_not_there_a_negative_limit_or_a_price_count_out_of_range_is_named_with_its_flag()
    {
        var scenario = CliRunner.Repo("simulations/scenarios/synthetic-step.yaml");
        var simulate = CliRunner.Run("simulate", "--scenario", scenario, "--compare", "hpa,nope.yaml");
        Assert.Equal(2, simulate.ExitCode);
        Assert.Equal("error: --compare: 'nope.yaml' is neither a baseline (hpa, keda, flink, static) nor an existing policy file", simulate.Error.TrimEnd('\n'));

        foreach (var bad in new[] { "-0.5", "abc", "NaN" })
        {
            var limit = CliRunner.Run("simulate", "--scenario", scenario, "--compactor-limit", bad);
            Assert.Equal(2, limit.ExitCode);
            Assert.Equal($"error: --compactor-limit: expected a number of compactor rescales per hour >= 0, such as 1 or 0.5, got '{bad}'", limit.Error.TrimEnd('\n'));
        }

        foreach (var bad in new[] { "2", "201", "2.5", "-5", "abc" })
        {
            var prices = CliRunner.Run("simulate", "--scenario", scenario, "--frontier-prices", bad);
            Assert.Equal(2, prices.ExitCode);
            Assert.Equal($"error: --frontier-prices: expected a whole number of prices from 3 to 200, such as 50, got '{bad}'", prices.Error.TrimEnd('\n'));
        }

        var dryRun = CliRunner.Run("dry-run", "--recording", "x.rwrec", "--policy", CliRunner.Repo("simulations/policies/economy.yaml"), "--compare", "nope.yaml");
        Assert.Equal(2, dryRun.ExitCode);
        Assert.StartsWith("error: --compare: file not found:", dryRun.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("simulate")]
    [InlineData("tune")]
    [InlineData("evaluate")]
    [InlineData("record")]
    [InlineData("dry-run")]
    [InlineData("export")]
    [InlineData("run")]
    [InlineData("crd")]
    [InlineData("policies")]
    public void Every_command_prints_its_help(string command)
    {
        var result = CliRunner.Run(command, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Out, StringComparison.Ordinal);
    }
}
