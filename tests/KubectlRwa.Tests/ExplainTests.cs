using Xunit;

namespace RwAutoscaler.KubectlRwa.Tests;

/// <summary>
/// kubectl explain on the shipped CRDs (docs/daemon.md: "kubectl explain rwa.spec lists every field"), through the real
/// kubectl reading the schemas the API server publishes: the custom signals and the external policy type of issue 16.
/// </summary>
public sealed class ExplainTests
{
    [Fact]
    public async Task Kubectl_explain_shows_custom_signals_and_external_policies()
    {
        await using var rig = await PluginRig.StartAsync();
        if (rig is null)
        {
            return;
        }

        async Task<string> Explain(string path)
        {
            var result = await rig.RunAsync("explain", path);
            Assert.True(result.ExitCode == 0, $"kubectl explain {path}: {result.StandardError}");
            return result.StandardOutput;
        }

        var spec = await Explain("rwa.spec");
        Assert.Contains("KIND:       RisingWaveAutoscaler", spec, StringComparison.Ordinal);
        Assert.Contains("signals\t<[]Object>", spec.Replace("  ", "\t", StringComparison.Ordinal).Replace("\t\t", "\t", StringComparison.Ordinal), StringComparison.Ordinal);

        var signals = await Explain("rwa.spec.signals");
        Assert.Contains("A named PromQL signal.", signals, StringComparison.Ordinal);
        Assert.Contains("{{namespace}} and {{name}}", signals, StringComparison.Ordinal);
        Assert.Contains("-required-", (await Explain("rwa.spec.signals")).Split("FIELDS:")[1], StringComparison.Ordinal);
        Assert.Contains("PromQL with one series per cluster", await Explain("rwa.spec.signals.query"), StringComparison.Ordinal);

        var policyType = await Explain("rwa.spec.compute.policies.type");
        Assert.Contains("external", policyType, StringComparison.Ordinal);
        Assert.Contains("the gRPC service's address", await Explain("rwa.spec.compute.policies.endpoint"), StringComparison.Ordinal);
    }
}
