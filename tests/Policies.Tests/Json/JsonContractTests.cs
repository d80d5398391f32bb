using System.Text;
using System.Text.Json;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Json;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.Json;

/// <summary>The JSON contract other tools drive the engine with (docs/formats.md): stable, validated, round-trippable.</summary>
public sealed class JsonContractTests
{
    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void An_observation_survives_a_write_and_read()
    {
        var observation = Build.Cluster(
            Build.Component(ComponentKind.Compute, 4, (Signal.BusyRatio, Build.Constant(0.5, TimeSpan.FromMinutes(1))), (Signal.IngestRate, [new Sample(Build.Now, double.NaN)])) with
            {
                Pods = Build.Pods(new PodObservation { Name = "rw-compute-0", Ready = false, StartTime = Build.Now, Values = new Dictionary<Signal, Sample> { [Signal.CpuUtilization] = new(Build.Now, 0.4) } }),
                RescaleInProgress = true,
            });

        var json = Write(w => ObservationJson.Write(w, observation));
        var back = ObservationJson.Parse(json);

        Assert.Equal(json, Write(w => ObservationJson.Write(w, back)));
        Assert.True(double.IsNaN(back.Components[0].Signals[Signal.IngestRate].Samples[0].Value));
        Assert.Contains("\"NaN\"", json, StringComparison.Ordinal);
        Assert.False(back.Components[0].Pods[0].Ready);
    }

    [Fact]
    public void Times_may_be_unix_seconds_as_prometheus_writes_them()
    {
        var observation = ObservationJson.Parse("""
            {"cluster": "a/b", "time": 1763719200, "components": [
              {"component": "compute", "targetReplicas": 2, "signals": {"busyRatio": [[1763719185.5, "0.25"], [1763719200, 0.5]]}}]}
            """);

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1763719200), observation.Time);
        Assert.Equal(0.25, observation.Components[0].Signals[Signal.BusyRatio].Samples[0].Value);
        Assert.Equal(2, observation.Components[0].ReadyReplicas); // defaults to the target
    }

    // Each row: a broken observation and the path its error must name.
    public static TheoryData<string, string> BadObservations => new()
    {
        { "[]", "(root): expected an object, got array" },
        { """{"time": "2026-11-21T10:00:00Z", "components": []}""", "cluster: is required" },
        { """{"cluster": "a/b", "time": "yesterday", "components": []}""", "time: expected a time (RFC 3339" },
        { """{"cluster": "a/b", "time": 0, "components": [{"component": "meta", "targetReplicas": 1}]}""", "components[0].component: expected compute or compactor, got \"meta\"" },
        { """{"cluster": "a/b", "time": 0, "components": [{"component": "compute", "targetReplicas": -1}]}""", "components[0].targetReplicas: expected an integer >= 0, got -1" },
        { """{"cluster": "a/b", "time": 0, "components": [{"component": "compute", "targetReplicas": 1, "signals": {"busy-ratio": []}}]}""", "components[0].signals.busy-ratio: expected a catalogue signal (ingestRate" },
        { """{"cluster": "a/b", "time": 0, "components": [{"component": "compute", "targetReplicas": 1, "signals": {"busyRatio": [[0]]}}]}""", "components[0].signals.busyRatio[0]: expected [time, value]" },
        { """{"cluster": "a/b", "time": 0, "components": [{"component": "compute", "targetReplicas": 1, "signals": {"busyRatio": [[10, 1], [5, 1]]}}]}""", "components[0].signals.busyRatio[1]: samples must be in time order" },
        { """{"cluster": "a/b", "time": 0, "components": [{"component": "compute", "targetReplicas": 1, "replicas": 3}]}""", "components[0].replicas: unknown field" },
        { """{"cluster": "a/b", "time": 0, "components": [{"component": "compute", "targetReplicas": 1, "pods": [{"name": "p", "phase": "Sleeping"}]}]}""", "components[0].pods[0].phase: expected Running, Pending or Failed" },
        { """{"cluster": "a/b", "time": 0, "components": [""", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadObservations))]
    public void Bad_observations_are_rejected_with_the_path(string json, string expected)
    {
        var error = Assert.Throws<JsonFormatException>(() => ObservationJson.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void History_round_trips_and_must_be_in_order()
    {
        var entries = new[] { Build.Action(TimeSpan.FromMinutes(5), 2, 4), Build.Recommendation(TimeSpan.FromMinutes(1), 4, 3) };
        var json = Write(w => HistoryJson.Write(w, entries));

        var back = HistoryJson.Parse(json);

        Assert.Equal(2, back.Length);
        Assert.True(back[0].Acted);
        Assert.Equal(3, back[1].Recommended);
        var reversed = Write(w => HistoryJson.Write(w, entries.Reverse()));
        Assert.Contains("entries[1].time: entries must be oldest first", Assert.Throws<JsonFormatException>(() => HistoryJson.Parse(reversed)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_decision_is_written_with_its_whole_trail()
    {
        var engine = new ScalingEngine(Build.Spec("""
            compute:
              maxReplicas: 5
              policies: [{type: fixed, replicas: 9}]
            """));
        var decision = engine.Evaluate(Build.Cluster(Build.Component(ComponentKind.Compute, 2)), default);

        using var document = JsonDocument.Parse(Write(w => DecisionJson.Write(w, decision)));
        var component = document.RootElement.GetProperty("components")[0];

        Assert.Equal("up", component.GetProperty("change").GetString());
        Assert.Equal(5, component.GetProperty("to").GetInt32());
        Assert.Equal("compute 2 -> 5: capped at maxReplicas 5 (fixed wanted 9)", component.GetProperty("reason").GetString());
        var proposal = component.GetProperty("proposals")[0];
        Assert.True(proposal.GetProperty("winner").GetBoolean());
        Assert.Equal(9, proposal.GetProperty("numbers").GetProperty("replicas").GetInt32());
        var guards = component.GetProperty("guards");
        var guard = guards[guards.GetArrayLength() - 1];
        Assert.Equal("bounds", guard.GetProperty("guard").GetString());
        Assert.Equal(5, guard.GetProperty("numbers").GetProperty("maxReplicas").GetInt32());
    }
}
