using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Tests.Commands;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.ExternalPolicies;

/// <summary>
/// Issue 16: one policy file with the example external policy, through the replay hosts (evaluate, dry-run, simulate)
/// as a user runs them: the service's proposals drive the decisions, and a service slower than the policy's timeout
/// makes the replay slower, never different.
/// </summary>
public sealed class ExternalPolicyReplayTests
{
    private static string PolicyFile(Uri endpoint) => $$"""
        compute:
          minReplicas: 1
          maxReplicas: 64
          policies:
            - type: external
              name: backlog
              endpoint: {{endpoint}}
              timeout: 10ms
              signals: [sourceLagMessages, ingestRate, processedRate]
              parameters: {targetDrainSeconds: "120"}
        compactor:
          minReplicas: 1
          maxReplicas: 8
          policies:
            - type: fixed
              replicas: 2
        """;

    private static async Task<(string Simulated, string Evaluated, string DryRun)> ReplayAsync(DirectoryInfo work, IReadOnlyDictionary<string, string>? environment)
    {
        await using var policy = await BacklogPolicyProcess.StartAsync(environment);
        var policyPath = Path.Combine(work.FullName, "policy.yaml");
        await File.WriteAllTextAsync(policyPath, PolicyFile(policy.Address));
        var scenarioPath = ShortScenario.Write(work, "external-step", policyPath);

        var simulated = await CliRunner.RunAsync("simulate", "--scenario", scenarioPath, "--compare", "static", "--json");
        Assert.True(simulated.ExitCode == 0, simulated.Error + policy.Output);
        var evaluated = await CliRunner.RunAsync("evaluate", "--policy", policyPath, "--observation", CliRunner.Repo("examples/observation.json"), "--format", "json");
        Assert.True(evaluated.ExitCode == 0, evaluated.Error + policy.Output);

        // An hour of a cluster that falls behind at the half hour: the backlog the service drains.
        var recordingPath = Path.Combine(work.FullName, "recorded.rwrec");
        RwAutoscaler.Autoscaler.Recording.RecordingFile.Write(Recording.SyntheticRecording.Make(240, i => i < 120 ? 60_000 : 150_000), recordingPath);
        var dryRun = await CliRunner.RunAsync("dry-run", "--recording", recordingPath, "--policy", policyPath, "--json");
        Assert.True(dryRun.ExitCode == 0, dryRun.Error + policy.Output);
        return (simulated.Out, evaluated.Out, dryRun.Out);
    }

    [Fact]
    public async Task A_slow_service_slows_the_replays_and_changes_none_of_their_decisions()
    {
        var work = Directory.CreateTempSubdirectory("external-replay-");
        (string Simulated, string Evaluated, string DryRun) fast, slow;
        try
        {
            fast = await ReplayAsync(work, null);
            slow = await ReplayAsync(work, new Dictionary<string, string> { ["POLICY_DELAY_MS"] = "25" }); // over the 10 ms timeout
        }
        finally
        {
            work.Delete(recursive: true);
        }

        // The service decided: its reason is in the trail, and the simulated cluster followed the square wave.
        Assert.Contains("drains within 120 s", fast.Evaluated, StringComparison.Ordinal);
        AssertScaled(fast.Simulated);

        Assert.Contains("drains within 120 s", fast.DryRun, StringComparison.Ordinal);

        Assert.Equal(Normalize(fast.Simulated), Normalize(slow.Simulated));
        Assert.Equal(fast.Evaluated, slow.Evaluated);
        Assert.Equal(Normalize(fast.DryRun), Normalize(slow.DryRun));
    }

    private static void AssertScaled(string simulated)
    {
        var ours = JsonNode.Parse(simulated)!["scenarios"]![0]!["policies"]![0]!;
        Assert.Equal("policy.yaml", (string?)ours["source"]);
        Assert.True((int)ours["computeRescales"]! > 0, ours.ToJsonString());
    }

    // Timing fields (how long a search took) are the only ones a slow service may change.
    private static string Normalize(string json)
    {
        var node = JsonNode.Parse(json)!;
        Strip(node);
        return node.ToJsonString();

        static void Strip(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var key in o.Select(p => p.Key).Where(k => k is "searchSeconds" || k.Contains("elapsed", StringComparison.OrdinalIgnoreCase)).ToList())
                    {
                        o.Remove(key);
                    }

                    foreach (var (_, child) in o)
                    {
                        Strip(child);
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        Strip(child);
                    }

                    break;
            }
        }
    }
}
