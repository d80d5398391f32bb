using Xunit;

namespace RwAutoscaler.KubectlRwa.Tests;

/// <summary>Issue 17: kubectl rwa through the real kubectl's plugin discovery, each verb's effect read back with kubectl get.</summary>
public sealed class PluginTests
{
    [Fact]
    public async Task Kubectl_finds_the_plugin_and_status_shows_one_line_per_autoscaler()
    {
        await using var rig = await PluginRig.StartAsync();
        if (rig is null)
        {
            return;
        }

        var list = await rig.RunAsync("plugin", "list");
        Assert.Contains("kubectl-rwa", list.StandardOutput, StringComparison.Ordinal);

        var status = await rig.RunAsync("rwa", "status");
        Assert.True(status.ExitCode == 0, status.StandardError);
        var lines = status.StandardOutput.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("NAME", lines[0], StringComparison.Ordinal);
        foreach (var expected in new[] { "prod", "active", "4->6 [2..20]", "2 [1..8]", "yes", "replica-a", "compute 4 -> 6: utilization wants 6" })
        {
            Assert.Contains(expected, lines[1], StringComparison.Ordinal);
        }

        var all = await rig.RunAsync("rwa", "status", "-A");
        Assert.StartsWith("NAMESPACE", all.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("streaming", all.StandardOutput.Split('\n')[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_verb_writes_the_documented_annotation_and_says_what_it_changed()
    {
        await using var rig = await PluginRig.StartAsync();
        if (rig is null)
        {
            return;
        }

        async Task<string> Run(params string[] args)
        {
            var result = await rig.RunAsync(["rwa", .. args]);
            Assert.True(result.ExitCode == 0, $"kubectl rwa {string.Join(' ', args)}: {result.StandardError}");
            return result.StandardOutput;
        }

        Assert.Equal("risingwave streaming/rw-prod: rwautoscaler.dev/compute-replicas=6\nrisingwave streaming/rw-prod: rwautoscaler.dev/compactor-replicas=2\n",
            await Run("pin", "prod", "compute=6", "compactor=2"));
        var pinned = await rig.AnnotationsAsync();
        Assert.Equal("6", pinned["rwautoscaler.dev/compute-replicas"]);
        Assert.Equal("2", pinned["rwautoscaler.dev/compactor-replicas"]);
        Assert.Equal("payments", pinned["team"]); // a merge patch: the others stay

        await Run("pause", "prod", "--for", "2h");
        var paused = (await rig.AnnotationsAsync())["rwautoscaler.dev/paused"];
        Assert.Matches("^true until [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", paused);
        var until = DateTimeOffset.Parse(paused["true until ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(until - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(119), TimeSpan.FromMinutes(121));
        Assert.Contains("MODE", (await Run("status")).Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains("paused", (await Run("status", "prod")).Split('\n')[1], StringComparison.Ordinal);

        await Run("bounds", "prod", "compute=3..12", "--until", "2099-01-01T00:00:00Z");
        var bounded = await rig.AnnotationsAsync();
        Assert.Equal("3 until 2099-01-01T00:00:00Z", bounded["rwautoscaler.dev/compute-min-replicas"]);
        Assert.Equal("12 until 2099-01-01T00:00:00Z", bounded["rwautoscaler.dev/compute-max-replicas"]);

        await Run("dry-run", "prod", "on");
        Assert.Equal("true", (await rig.AnnotationsAsync())["rwautoscaler.dev/dry-run"]);

        Assert.Contains("removed rwautoscaler.dev/paused", await Run("resume", "prod"), StringComparison.Ordinal);
        await Run("unpin", "prod");
        await Run("bounds", "prod", "compute=off");
        await Run("dry-run", "prod", "off");
        var after = await rig.AnnotationsAsync();
        Assert.Equal(["team"], after.Keys);

        var history = await Run("history", "prod");
        Assert.Contains("2026-12-03T03:00:00Z   compute     4      6    yes", history, StringComparison.Ordinal);
        var explain = await Run("explain", "prod");
        Assert.Contains("compute: asks 4, running 4, wanted 6", explain, StringComparison.Ordinal);
        Assert.Contains("    * utilization: 6 (cpu 0.9 over target 0.6 with 4 replicas)\n    guard bounds: 6 -> 6 (within [2, 20])", explain, StringComparison.Ordinal);
        Assert.Contains("MetricsAvailable=True (SignalsRead)", explain, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "pin", "prod", "gpu=2" }, "error: gpu=2: expected COMPONENT=N with component compute or compactor, e.g. compute=6")]
    [InlineData(new[] { "pin", "prod", "compute=-1" }, "error: compute=-1: expected a replica count of at least 1, e.g. compute=6 (to stop scaling, pause)")]
    [InlineData(new[] { "pause", "prod", "--for", "5x" }, "error: --for: expected a duration such as 30m, 2h or 1h30m, got '5x'")]
    [InlineData(new[] { "pause", "prod", "--until", "tomorrow" }, "error: --until: expected an RFC 3339 time with a zone such as 2026-12-03T18:00:00Z, got 'tomorrow'")]
    [InlineData(new[] { "bounds", "prod", "compute=9..3" }, "error: compute=9..3: the minimum is above the maximum")]
    [InlineData(new[] { "dry-run", "prod", "maybe" }, "error: dry-run: expected on or off, got 'maybe'")]
    [InlineData(new[] { "pause", "nope" }, "error: risingwaveautoscaler \"nope\" not found in namespace \"streaming\" (kubectl rwa status lists them)")]
    public async Task Bad_input_is_one_line_exit_code_2_and_changes_nothing(string[] args, string message)
    {
        await using var rig = await PluginRig.StartAsync();
        if (rig is null)
        {
            return;
        }

        var before = rig.Server.Requests.Count(r => r.Method is "PATCH" or "PUT" or "POST" or "DELETE");
        var result = await rig.RunAsync(["rwa", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(message, result.StandardError.TrimEnd('\n'));
        Assert.Equal(before, rig.Server.Requests.Count(r => r.Method is "PATCH" or "PUT" or "POST" or "DELETE"));
        Assert.Equal(["team"], (await rig.AnnotationsAsync()).Keys);
    }
}
