using System.Text.Json;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Commands;

public sealed class SimulateCommandTests
{
    [Fact]
    public void The_compactor_limit_adds_the_limited_frontier_to_the_console_the_json_and_the_regenerate_command()
    {
        var work = Directory.CreateTempSubdirectory("simulate-limit-");
        try
        {
            var scenario = ShortScenario.Write(work, "limit-step", CliRunner.Repo("simulations/policies/balanced.yaml"));
            var markdown = Path.Combine(work.FullName, "results.md");
            File.WriteAllText(markdown, "<!-- results:begin -->\n<!-- results:end -->\n");

            var table = CliRunner.Run("simulate", "--scenario", scenario, "--compare", "static", "--compactor-limit", "1", "--report", Path.Combine(work.FullName, "r.html"), "--markdown", markdown);
            Assert.True(table.ExitCode == 0, table.Error);
            var text = string.Join(' ', table.Out.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));    // the console wraps at its width
            Assert.Contains("within 1 compactor rescales/h: ", text, StringComparison.Ordinal);
            Assert.Contains("cost over it at each policy's violation: balanced ", text, StringComparison.Ordinal);
            Assert.Contains("--compactor-limit 1 --markdown", File.ReadAllText(markdown), StringComparison.Ordinal);

            var json = CliRunner.Run("simulate", "--scenario", scenario, "--compare", "static", "--compactor-limit", "1", "--json");
            Assert.True(json.ExitCode == 0, json.Error);
            using var document = JsonDocument.Parse(json.Out);
            var outcome = document.RootElement.GetProperty("scenarios")[0];
            Assert.Equal(1, outcome.GetProperty("frontier").GetProperty("withinCompactorLimit").GetProperty("compactorRescalesPerHour").GetDouble());
            Assert.All(outcome.GetProperty("policies").EnumerateArray(), p => Assert.True(p.GetProperty("costOverFrontierWithinCompactorLimit").GetDouble() > 0));

            var without = CliRunner.Run("simulate", "--scenario", scenario, "--compare", "static", "--json");
            using var plain = JsonDocument.Parse(without.Out);
            Assert.False(plain.RootElement.GetProperty("scenarios")[0].GetProperty("frontier").TryGetProperty("withinCompactorLimit", out _));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_frontier_prices_are_the_ladder_asked_for_and_are_in_the_regenerate_command()
    {
        var work = Directory.CreateTempSubdirectory("simulate-prices-");
        try
        {
            var scenario = ShortScenario.Write(work, "prices-step", CliRunner.Repo("simulations/policies/balanced.yaml"));
            var json = CliRunner.Run("simulate", "--scenario", scenario, "--compare", "static", "--frontier-prices", "6", "--json");
            Assert.True(json.ExitCode == 0, json.Error);
            using var document = JsonDocument.Parse(json.Out);
            var prices = document.RootElement.GetProperty("scenarios")[0].GetProperty("frontier").GetProperty("points").EnumerateArray()
                .Where(p => p.TryGetProperty("price", out _)).Select(p => p.GetProperty("price").GetDouble()).ToList();
            // 0, then 4 to 4,096 core-seconds in four steps of 1024^(1/4): every searched point comes from one of them
            // (with the shipped ladder this scenario's frontier has points from 32, 48 and 96).
            double[] ladder = [0, 4, 4 * Math.Pow(2, 2.5), 128, 4 * Math.Pow(2, 7.5), 4096];
            Assert.Contains(prices, price => price > 0);
            Assert.All(prices, price => Assert.Contains(ladder, l => Math.Abs(l - price) < 1e-6));

            var markdown = Path.Combine(work.FullName, "results.md");
            File.WriteAllText(markdown, "<!-- results:begin -->\n<!-- results:end -->\n");
            var table = CliRunner.Run("simulate", "--scenario", scenario, "--compare", "static", "--frontier-prices", "6", "--report", Path.Combine(work.FullName, "r.html"), "--markdown", markdown);
            Assert.True(table.ExitCode == 0, table.Error);
            Assert.Contains("--frontier-prices 6 --markdown", File.ReadAllText(markdown), StringComparison.Ordinal);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
