using System.Text.Json;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Json;

/// <summary>Writes decisions, with their whole trail, in the documented JSON contract.</summary>
public static class DecisionJson
{
    public static void Write(Utf8JsonWriter writer, ClusterDecision decision)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(decision);
        writer.WriteStartObject();
        writer.WriteString("cluster", decision.Cluster);
        writer.WriteString("time", decision.Time);
        writer.WriteStartArray("components");
        foreach (var component in decision.Components)
        {
            WriteComponent(writer, component);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteComponent(Utf8JsonWriter writer, ComponentDecision d)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(d);
        writer.WriteStartObject();
        writer.WriteString("component", d.Component.Kind.ToName());
        writer.WriteString("group", d.Component.Group);
        writer.WriteNumber("from", d.From);
        writer.WriteNumber("recommended", d.Recommended);
        writer.WriteNumber("to", d.To);
        writer.WriteString("change", d.To > d.From ? "up" : d.To < d.From ? "down" : "none");
        writer.WriteString("reason", d.Reason);
        writer.WriteBoolean("metricsAvailable", d.MetricsAvailable);
        writer.WriteStartArray("proposals");
        for (var i = 0; i < d.Proposals.Length; i++)
        {
            WriteProposal(writer, d.Proposals[i], i == d.Winner);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("guards");
        foreach (var guard in d.Guards)
        {
            writer.WriteStartObject();
            writer.WriteString("guard", guard.Guard);
            writer.WriteNumber("before", guard.Before);
            writer.WriteNumber("after", guard.After);
            writer.WriteString("explanation", guard.Explain());
            WriteNumbers(writer, guard.Template, guard.Numbers);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("expiredOverrides");
        foreach (var expired in d.ExpiredOverrides)
        {
            writer.WriteStringValue(expired);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteProposal(Utf8JsonWriter writer, Proposal p, bool winner)
    {
        writer.WriteStartObject();
        writer.WriteString("policy", p.Policy);
        writer.WriteString("kind", p.Kind switch { ProposalKind.Replicas => "replicas", ProposalKind.Bounds => "bounds", _ => "abstain" });
        if (p.Kind == ProposalKind.Replicas)
        {
            writer.WriteNumber("replicas", p.Replicas);
        }

        if (p.MinReplicas is { } min)
        {
            writer.WriteNumber("minReplicas", min);
        }

        if (p.MaxReplicas is { } max)
        {
            writer.WriteNumber("maxReplicas", max);
        }

        writer.WriteBoolean("winner", winner);
        writer.WriteBoolean("vetoScaleDown", p.VetoScaleDown);
        writer.WriteBoolean("metricsMissing", p.MetricsMissing);
        if (p.Signal is { } signal)
        {
            writer.WriteString("signal", signal.Name);
        }

        if (p.InvalidSamples > 0)
        {
            writer.WriteNumber("invalidSamples", p.InvalidSamples);
        }

        if (p.PendingSince is { } since)
        {
            writer.WriteString("pendingSince", since);
            writer.WriteNumber("pendingReplicas", p.PendingReplicas);
        }

        writer.WriteString("explanation", p.Explain());
        WriteNumbers(writer, p.Template, p.Numbers);
        writer.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter writer, ExplanationTemplate template, Numbers numbers)
    {
        writer.WriteStartObject("numbers");
        for (var i = 0; i < template.Names.Count; i++)
        {
            writer.WritePropertyName(template.Names[i]);
            ObservationJson.WriteNumber(writer, numbers[i]);
        }

        writer.WriteEndObject();
    }
}
