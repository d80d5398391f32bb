using System.ComponentModel;
using System.Text.Json.Serialization;
using RwAutoscaler.Autoscaler.Resources.Schema;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Autoscaler.Resources;

/// <summary>
/// The RisingWaveAutoscaler resource (<c>rwautoscaler.dev/v1alpha1</c>, short name <c>rwa</c>): which RisingWave to
/// size, the engine's policy per component, the mode, and what the daemon reports back. The records below are the
/// source of the CRD (<c>autoscaler crd</c>); the spec is read with <see cref="AutoscalerSpecReader"/>, which names
/// every error, and the status is written from <see cref="AutoscalerStatus"/>.
/// </summary>
internal static class RisingWaveAutoscaler
{
    public const string Group = "rwautoscaler.dev";
    public const string Version = "v1alpha1";
    public const string KindName = "RisingWaveAutoscaler";
    public const string Plural = "risingwaveautoscalers";
    public const string ApiVersion = Group + "/" + Version;

    public static ResourceType Resource { get; } = new(Group, Version, Plural, KindName);
}

[Description("What to size and how. The policy fields (staleAfter, signals, compute, compactor) are the engine's policy spec: docs/policy-spec.md.")]
internal sealed record AutoscalerSpec
{
    [Description("The RisingWave resource to size, in the same namespace.")]
    public required TargetReference TargetRef { get; init; }

    [Description("active: change replicas. dryRun: decide and report (events, status, logs) without changing anything.")]
    [OneOf("active", "dryRun")]
    [Default("active")]
    public string? Mode { get; init; }

    [Description("How often to evaluate when no event comes first, as a duration (15s, 1m). Default 30s.")]
    [Pattern(DurationText.Pattern)]
    public string? PollingInterval { get; init; }

    [Description("Decisions kept in status.history (newest last). Default 20.")]
    [Range(0, 100)]
    public int? HistoryLimit { get; init; }

    [Description("A Prometheus to read this cluster's metrics from instead of the daemon's default.")]
    public PrometheusEndpoint? Prometheus { get; init; }

    [Description("A signal whose newest sample is older than this is missing (a duration). Default 2m.")]
    [Pattern(DurationText.Pattern)]
    public string? StaleAfter { get; init; }

    [Description("Custom signals: named PromQL queries, one series per cluster, that utilization (type External) and external policies read by name besides the catalogue's (docs/policy-spec.md, 'Custom signals').")]
    [ListMap("name")]
    [MaxItems(32)]
    public IReadOnlyList<CustomSignal>? Signals { get; init; }

    [Description("How compute nodes are sized. At least one of compute and compactor is required.")]
    public ComponentPolicy? Compute { get; init; }

    [Description("How compactor nodes are sized.")]
    public ComponentPolicy? Compactor { get; init; }
}

[Description("A named PromQL signal. {{namespace}} and {{name}} in the query stand for the clusters' namespaces and names as a regular expression (use them with =~ inside double quotes), so one query serves every cluster that defines the same signal; the result must then keep the namespace and risingwave_name labels. A query without them is one value for every cluster.")]
internal sealed record CustomSignal
{
    [Description("The name policies read it by, e.g. sinkBacklog: a letter, then letters and digits; not a catalogue signal's name.")]
    [Pattern("^[A-Za-z][A-Za-z0-9]{0,62}$")]
    public required string Name { get; init; }

    [Description("PromQL with one series per cluster, e.g. sum by (namespace, risingwave_name) (my_backlog{namespace=~\"{{namespace}}\", risingwave_name=~\"{{name}}\"}).")]
    public required string Query { get; init; }

    [Description("The unit, for people and external policies (messages, bytes, events/s).")]
    public string? Unit { get; init; }
}

internal sealed record TargetReference
{
    [Description("Name of the RisingWave (risingwave.risingwavelabs.com/v1alpha1) in this namespace.")]
    [Pattern(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    public required string Name { get; init; }
}

[Description("A Prometheus HTTP API endpoint and its credentials (secrets in this namespace).")]
internal sealed record PrometheusEndpoint
{
    [Description("Base URL, e.g. http://prometheus-operated.monitoring:9090 (a path prefix is kept).")]
    [Pattern("^https?://")]
    public required string Address { get; init; }

    [Description("Bearer token, from a secret key.")]
    public SecretKeyReference? BearerTokenSecret { get; init; }

    [Description("Basic auth credentials, from secret keys.")]
    public BasicAuthReference? BasicAuth { get; init; }

    [Description("PEM certificate authorities to trust, from a secret key.")]
    public SecretKeyReference? CaSecret { get; init; }

    [Description("Skip verifying the server certificate. For tests only.")]
    public bool? InsecureSkipVerify { get; init; }

    [Description("Per-query timeout (a duration). Default 10s.")]
    [Pattern(DurationText.Pattern)]
    public string? Timeout { get; init; }

    [Description("Extra HTTP headers, e.g. X-Scope-OrgID for Mimir or Cortex.")]
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}

internal sealed record SecretKeyReference
{
    [Description("Secret name, in the autoscaler's namespace.")]
    public required string Name { get; init; }

    [Description("Key within the secret.")]
    public required string Key { get; init; }
}

internal sealed record BasicAuthReference
{
    public required SecretKeyReference Username { get; init; }

    public required SecretKeyReference Password { get; init; }
}

[Description("One component's policy spec (docs/policy-spec.md, 'A component'); validated by the daemon, errors in status.conditions[Ready].")]
internal sealed record ComponentPolicy
{
    [Description("The one node group of this component that the autoscaler scales (spec.components.<component>.nodeGroups[].name); \"\" is the default group. One autoscaler scales one group per component, and overrides apply to that group; a second autoscaler on the same RisingWave is refused (Ready=False, TargetClaimed).")]
    public string? Group { get; init; }

    [Description("Lower bound. Default 1.")]
    [Range(0, 10_000)]
    public int? MinReplicas { get; init; }

    [Description("Upper bound.")]
    [Range(1, 10_000)]
    public required int MaxReplicas { get; init; }

    [Description("How proposals combine: max (default), min, or priority.")]
    [OneOf("max", "min", "priority")]
    public string? Combine { get; init; }

    [Description("One or more policies: utilization, throughput, latency-guard, compaction, schedule, fixed, predictive, external (docs/policy-spec.md).")]
    public required IReadOnlyList<PolicyEntry> Policies { get; init; }

    [Description("HPA's behavior: stabilization windows and rate policies per direction.")]
    public BehaviorSpec? Behavior { get; init; }

    [Description("No action in a direction this soon after the last action.")]
    public CooldownSpec? Cooldown { get; init; }

    [Description("Replicas to go to when no policy can see its signals.")]
    public FallbackSpec? Fallback { get; init; }

    [Description("Hold while a previous rescale is still being carried out. Default true.")]
    public bool? HoldDuringRescale { get; init; }
}

[Description("A policy: its type and its own fields (docs/policy-spec.md).")]
[PreserveUnknownFields]
internal sealed record PolicyEntry
{
    [Description("utilization, throughput, latency-guard, compaction, schedule, fixed, predictive or external.")]
    public required string Type { get; init; }

    [Description("A name, needed only to tell two policies of one type apart.")]
    public string? Name { get; init; }

    [Description("external: the gRPC service's address, http:// (plain HTTP/2) or https:// (TLS), e.g. http://backlog-policy.default.svc:50051.")]
    public string? Endpoint { get; init; }

    [Description("external: how long the daemon waits for an answer (default 1s); no answer in time holds the component.")]
    public string? Timeout { get; init; }

    [Description("external: at most this many calls in flight to the endpoint, per daemon (default 4).")]
    [Range(1, 256)]
    public int? MaxConcurrency { get; init; }

    [Description("external: how much of each signal window is sent (default 5m).")]
    public string? Window { get; init; }

    [Description("external: the signals sent, catalogue or custom (default all), e.g. [sourceLagMessages, ingestRate, sinkBacklog].")]
    public IReadOnlyList<string>? Signals { get; init; }

    [Description("external: the service's own parameters, passed as strings.")]
    public IReadOnlyDictionary<string, string>? Parameters { get; init; }

    [Description("external: a file in the daemon's pod with the bearer token sent to the service (a mounted Secret).")]
    public string? BearerTokenFile { get; init; }

    [Description("external: a PEM file in the daemon's pod with the CA that signed the service's certificate (https only).")]
    public string? CaFile { get; init; }
}

internal sealed record BehaviorSpec
{
    public ScalingRules? ScaleUp { get; init; }

    public ScalingRules? ScaleDown { get; init; }
}

internal sealed record ScalingRules
{
    [Range(0, 3600)]
    public int? StabilizationWindowSeconds { get; init; }

    [OneOf("Max", "Min", "Disabled")]
    public string? SelectPolicy { get; init; }

    public IReadOnlyList<RatePolicy>? Policies { get; init; }
}

internal sealed record RatePolicy
{
    [OneOf("Pods", "Percent")]
    public required string Type { get; init; }

    [Range(1)]
    public required int Value { get; init; }

    [Range(1, 1800)]
    public required int PeriodSeconds { get; init; }
}

internal sealed record CooldownSpec
{
    [Pattern(DurationText.Pattern)]
    public string? ScaleUp { get; init; }

    [Pattern(DurationText.Pattern)]
    public string? ScaleDown { get; init; }
}

internal sealed record FallbackSpec
{
    [Range(0, 10_000)]
    public required int Replicas { get; init; }
}

[Description("What the daemon is doing and why.")]
internal sealed record AutoscalerStatus
{
    [Description("The spec generation this status describes.")]
    public long? ObservedGeneration { get; init; }

    [Description("Compute replicas at a glance: \"4\", \"4 -> 8\", \"4 -> 8 (dry run)\", \"4 (paused)\".")]
    public string? Compute { get; init; }

    [Description("Compactor replicas at a glance.")]
    public string? Compactor { get; init; }

    [Description("When replicas were last changed.")]
    [JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? LastScaleTime { get; init; }

    [Description("The one-line reason of the last decision that changed, or would change, replicas.")]
    public string? LastReason { get; init; }

    [Description("With shards: the daemon replica that owns this autoscaler and acts for it.")]
    public string? Shard { get; init; }

    [Description("Per component: replicas, the decision, the last change.")]
    public IReadOnlyList<ComponentStatus>? Components { get; init; }

    [Description("Ready, Active, DryRun, Paused, MetricsAvailable.")]
    [ListMap("type")]
    public IReadOnlyList<Condition>? Conditions { get; init; }

    [Description("The latest decisions that changed, or would have changed, replicas (newest last); restores cooldowns and rate limits after a restart.")]
    [MaxItems(100)]
    public IReadOnlyList<DecisionRecord>? History { get; init; }
}

internal sealed record ComponentStatus
{
    [OneOf("compute", "compactor")]
    public required string Component { get; init; }

    public string? Group { get; init; }

    [Description("Replicas the RisingWave asks for (the node group's spec, or its ScaleView's).")]
    public int? CurrentReplicas { get; init; }

    [Description("Replicas running (ready), from the RisingWave's status.")]
    public int? RunningReplicas { get; init; }

    [Description("Replicas the last decision wants.")]
    public int? DesiredReplicas { get; init; }

    [JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? LastScaleTime { get; init; }

    public string? LastReason { get; init; }

    [Description("When the last rescale finished (running replicas reached the target).")]
    [JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? RescaleCompletedTime { get; init; }

    [Description("The RisingWaveScaleView replicas are changed through, when one locks the group.")]
    public string? ScaleView { get; init; }

    [Description("The trail of the last decision that changed, or would have changed, replicas: each proposal with its numbers (* the winner), then each guard; kubectl rwa explain prints it.")]
    [MaxItems(24)]
    public IReadOnlyList<string>? Trail { get; init; }
}

internal sealed record DecisionRecord
{
    [JsonConverter(typeof(KubeTimeConverter))]
    public required DateTimeOffset Time { get; init; }

    [OneOf("compute", "compactor")]
    public required string Component { get; init; }

    public string? Group { get; init; }

    public required int From { get; init; }

    public required int To { get; init; }

    public int? Recommended { get; init; }

    [Description("True when replicas were changed.")]
    public required bool Acted { get; init; }

    [Description("True when the change was only reported (dry run).")]
    public bool? DryRun { get; init; }

    public required string Reason { get; init; }
}

internal static class DurationText
{
    /// <summary>Durations as the policy spec writes them (30s, 5m, 1h30m, 500ms, 1d); the engine's parser is the judge.</summary>
    public const string Pattern = @"^(0|([0-9]+(\.[0-9]+)?(ms|s|m|h|d))+)$";
}
