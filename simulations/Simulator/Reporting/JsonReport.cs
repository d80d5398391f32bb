using System.Text.Json;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Simulator.Scoring;

namespace RwAutoscaler.Simulator.Reporting;

/// <summary>Every score of every policy, machine-readable (<c>simulate --json</c>).</summary>
internal static class JsonReport
{
    public static void Write(Utf8JsonWriter writer, IEnumerable<ScenarioOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(outcomes);
        writer.WriteStartObject();
        writer.WriteStartArray("scenarios");
        foreach (var outcome in outcomes)
        {
            var plan = outcome.Plan;
            var scenario = plan.Scenario;
            writer.WriteStartObject();
            writer.WriteString("name", scenario.Name);
            writer.WriteString("source", scenario.Source);
            writer.WriteString("workload", scenario.Workload.Describe());
            writer.WriteNumber("stepSeconds", scenario.Step.TotalSeconds);
            writer.WriteNumber("steps", plan.Workload.Values.Length);
            writer.WriteNumber("durationHours", plan.Workload.Duration.TotalHours);
            writer.WriteNumber("peakIngestRate", plan.Workload.Peak);
            writer.WriteNumber("meanIngestRate", plan.Workload.Mean);
            writer.WriteStartObject("slo");
            WriteOptional(writer, "barrierLatencySeconds", scenario.Slo.BarrierLatency?.TotalSeconds);
            WriteOptional(writer, "lagSeconds", scenario.Slo.LagSeconds?.TotalSeconds);
            writer.WriteEndObject();
            var bound = plan.Bound;
            writer.WriteStartObject("lowerBound");
            writer.WriteNumber("coreHours", bound.CoreHours);
            writer.WriteNumber("computeReplicaHours", bound.ComputeReplicaHours);
            writer.WriteNumber("compactorReplicaHours", bound.CompactorReplicaHours);
            writer.WriteNumber("peakComputeReplicas", bound.PeakCompute);
            writer.WriteNumber("peakCompactorReplicas", bound.PeakCompactor);
            writer.WriteNumber("utilization", bound.Utilization);
            writer.WriteNumber("infeasibleSteps", bound.InfeasibleSteps);
            writer.WriteEndObject();
            writer.WriteStartObject("frontier");
            writer.WriteNumber("searchSeconds", outcome.Frontier.Elapsed.TotalSeconds);
            WritePoints(writer, outcome.Frontier.Points);
            if (outcome.Frontier.WithinCompactorLimit is { } limited)
            {
                writer.WriteStartObject("withinCompactorLimit");
                writer.WriteNumber("compactorRescalesPerHour", limited.CompactorRescalesPerHour);
                WritePoints(writer, limited.Frontier.Points);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteStartArray("policies");
            for (var i = 0; i < outcome.Runs.Count; i++)
            {
                var run = outcome.Runs[i];
                writer.WriteStartObject();
                writer.WriteString("policy", run.Policy);
                writer.WriteString("source", plan.Policies[i].Source);
                writer.WriteNumber("pollIntervalSeconds", plan.Policies[i].PollInterval.TotalSeconds);
                WriteScores(writer, run.Scores);
                WriteOptional(writer, "costOverFrontier", outcome.FrontierRatio(run));
                if (outcome.Frontier.WithinCompactorLimit is not null)
                {
                    WriteOptional(writer, "costOverFrontierWithinCompactorLimit", outcome.LimitedFrontierRatio(run));
                }

                var hours = plan.Workload.Duration.TotalHours;
                writer.WriteNumber("computeRescalesPerHour", run.Scores.ComputeRescales / hours);
                writer.WriteNumber("compactorRescalesPerHour", run.Scores.CompactorRescales / hours);
                writer.WriteStartArray("rescales");
                foreach (var rescale in run.Rescales)
                {
                    writer.WriteStartObject();
                    writer.WriteString("time", rescale.Time);
                    writer.WriteString("component", rescale.Component.ToName());
                    writer.WriteNumber("from", rescale.From);
                    writer.WriteNumber("to", rescale.To);
                    writer.WriteString("reason", rescale.Reason);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteScores(Utf8JsonWriter writer, Scores s)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(s);
        writer.WriteNumber("violationSeconds", s.ViolationSeconds);
        writer.WriteNumber("violationFraction", s.ViolationFraction);
        writer.WriteNumber("p99BarrierLatencySeconds", s.P99BarrierLatencySeconds);
        writer.WriteNumber("maxLagMessages", s.MaxLagMessages);
        writer.WriteNumber("maxLagSeconds", s.MaxLagSeconds);
        writer.WriteNumber("computeReplicaHours", s.ComputeReplicaHours);
        writer.WriteNumber("compactorReplicaHours", s.CompactorReplicaHours);
        writer.WriteNumber("coreHours", s.CoreHours);
        writer.WriteNumber("costRatio", s.CostRatio);
        writer.WriteNumber("computeRescales", s.ComputeRescales);
        writer.WriteNumber("compactorRescales", s.CompactorRescales);
        writer.WriteNumber("loadSteps", s.LoadSteps);
        WriteOptional(writer, "convergenceMeanSeconds", s.ConvergenceMeanSeconds);
        WriteOptional(writer, "convergenceMaxSeconds", s.ConvergenceMaxSeconds);
        writer.WriteNumber("unconverged", s.Unconverged);
    }

    private static void WritePoints(Utf8JsonWriter writer, IReadOnlyList<Frontier.FrontierPoint> points)
    {
        writer.WriteStartArray("points");
        foreach (var point in points)
        {
            writer.WriteStartObject();
            WriteOptional(writer, "price", double.IsFinite(point.Price) ? point.Price : null);
            writer.WriteNumber("violationSeconds", point.ViolationSeconds);
            writer.WriteNumber("coreHours", point.CoreHours);
            writer.WriteNumber("computeRescales", point.ComputeRescales);
            writer.WriteNumber("compactorRescales", point.CompactorRescales);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
