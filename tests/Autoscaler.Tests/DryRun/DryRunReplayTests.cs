using RwAutoscaler.Autoscaler.DryRun;
using RwAutoscaler.Autoscaler.Tests.Recording;
using RwAutoscaler.Policies.Configuration;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.DryRun;

public sealed class DryRunReplayTests
{
    private static AutoscalingSpec Spec(string yaml) => SpecParser.Parse(yaml, "test.yaml");

    private static readonly AutoscalingSpec Throughput = Spec("""
        compute:
          maxReplicas: 20
          policies:
            - type: throughput
              metricsWindow: 5m
              stabilization: 1m
              scaleDownInterval: 10m
        compactor:
          maxReplicas: 4
          policies:
            - type: compaction
        """);

    [Fact]
    public void Replica_hours_compare_the_policy_with_what_the_cluster_had()
    {
        // One hour at 15 s; the cluster ran 4 compute replicas, the policy pins 2.
        var recording = SyntheticRecording.Make(240, _ => 20_000);
        var fixedTwo = Spec("compute: {maxReplicas: 20, policies: [{type: fixed, replicas: 2}]}");

        var compute = DryRunReplay.Run(recording, fixedTwo, "fixed").Components.Single();

        Assert.Equal(4.0, compute.ActualReplicaHours, 6);
        Assert.Equal(2.0, compute.PolicyReplicaHours, 6); // the first decision already moves to 2
        Assert.Equal(-2.0, compute.ReplicaHoursDelta, 6);
        Assert.Equal(4, Assert.Single(compute.Decisions).From);
    }

    [Fact]
    public void A_load_step_shows_when_the_policy_would_have_scaled_up()
    {
        // 100k/s for 30 minutes on 4 x 25k/s, then 200k/s: the cluster stayed at 4 and fell behind.
        var recording = SyntheticRecording.Make(240, i => i < 120 ? 100_000 : 200_000);

        var compute = DryRunReplay.Run(recording, Throughput, "throughput").Components.Single(c => c.Component.Kind == Policies.Model.ComponentKind.Compute);

        var up = compute.Decisions.First(d => d.To > d.From);
        Assert.True(up.Time >= recording.TimeAt(120), $"scaled at {up.Time}");
        Assert.True(up.Time <= recording.TimeAt(120) + TimeSpan.FromMinutes(6), $"scaled only at {up.Time}");
        Assert.True(compute.Policy.Max() >= 8, $"the policy only reached {compute.Policy.Max()}: 200k/s needs 8 x 25k/s"); // 200k/s needs at least 8
        Assert.StartsWith("compute 4 -> ", up.Reason, StringComparison.Ordinal);
        Assert.True(compute.ReplicaHoursDelta > 0);
        Assert.Empty(compute.UnderProvisioned); // it never had fewer replicas than the cluster
    }

    [Fact]
    public void A_custom_signal_in_the_recording_drives_the_policy_that_reads_it()
    {
        // A sink's backlog: 20,000 messages for 30 minutes, then 90,000; 10,000 per replica is the target.
        var recording = SyntheticRecording.Make(240, _ => 50_000, custom: ("sinkBacklog", i => i < 120 ? 20_000 : 90_000));
        var spec = Spec("""
            signals: [{name: sinkBacklog, query: sum(sink_backlog), unit: messages}]
            compute:
              maxReplicas: 20
              policies:
                - type: utilization
                  metrics: [{type: External, signal: sinkBacklog, averageValue: 10000}]
              behavior: {scaleDown: {stabilizationWindowSeconds: 0}}
            """);

        var compute = DryRunReplay.Run(recording, spec, "backlog").Components.Single();

        // Open loop: the cluster kept its 4 replicas, so HPA's default rate limit (double per 15 s) caps each step at 8.
        Assert.Equal([(4, 2), (2, 8)], compute.Decisions.Select(d => (d.From, d.To)));
        Assert.Equal(recording.TimeAt(120), compute.Decisions[1].Time);
        Assert.StartsWith("compute 4 -> 8: scale-up limited to 8", compute.Decisions[1].Reason, StringComparison.Ordinal);

        // A recording without the signal: the policy has nothing to read, and nothing changes.
        var without = DryRunReplay.Run(SyntheticRecording.Make(240, _ => 50_000), spec, "backlog").Components.Single();
        Assert.Empty(without.Decisions);
    }

    [Fact]
    public void Under_provisioning_is_estimated_from_busy_time_backpressure_and_lag()
    {
        // The cluster was 80% busy on 4 replicas: 3.2 replicas of work. A policy of 2 would have been short.
        var recording = SyntheticRecording.Make(240, _ => 80_000);
        var two = DryRunReplay.Run(recording, Spec("compute: {maxReplicas: 20, policies: [{type: fixed, replicas: 2}]}"), "two").Components.Single();
        var four = DryRunReplay.Run(recording, Spec("compute: {maxReplicas: 20, policies: [{type: fixed, replicas: 4}]}"), "four").Components.Single();

        Assert.Equal(TimeSpan.FromHours(1), Assert.Single(two.UnderProvisioned).Duration);
        Assert.Empty(four.UnderProvisioned);
    }

    [Fact]
    public void Gaps_hold_the_decision_and_are_marked()
    {
        // No data from minute 20 to 30.
        var recording = SyntheticRecording.Make(240, _ => 20_000, gap: i => i is >= 80 and < 120);
        var policy = Spec("compute: {maxReplicas: 20, policies: [{type: fixed, replicas: 2}]}");

        var compute = DryRunReplay.Run(recording, policy, "fixed").Components.Single();

        var gap = Assert.Single(compute.Gaps);
        Assert.Equal(recording.TimeAt(80), gap.Start);
        Assert.Equal(recording.TimeAt(120), gap.End);
        Assert.All(Enumerable.Range(80, 40), i => Assert.True(compute.Gap[i]));
        Assert.All(Enumerable.Range(80, 40), i => Assert.Equal(2, compute.Policy[i])); // held
        Assert.Equal(4 * 50.0 / 60, compute.ActualReplicaHours, 6); // 50 of the 60 minutes have data, at 4 replicas
    }

    [Fact]
    public void A_policy_for_components_the_recording_lacks_is_an_error()
    {
        var recording = SyntheticRecording.Make(10, _ => 1000);
        var onlyCompute = recording with
        {
            Series = [.. recording.Series.Where(s => s.Component.Kind == Policies.Model.ComponentKind.Compactor)],
            Values = [.. recording.Series.Select((s, i) => (s, i)).Where(x => x.s.Component.Kind == Policies.Model.ComponentKind.Compactor).Select(x => recording.Values[x.i])],
        };

        var error = Assert.Throws<ArgumentException>(() => DryRunReplay.Run(onlyCompute, Spec("compute: {maxReplicas: 3, policies: [{type: fixed, replicas: 1}]}"), "p"));

        Assert.Contains("has no replica counts for any component the policy configures (compute)", error.Message, StringComparison.Ordinal);
    }
}
