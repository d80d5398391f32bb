using k8s.Models;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Autoscaler.Acting;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Overrides;
using RwAutoscaler.Autoscaler.Reporting;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Autoscaler.Telemetry;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Json;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>What one evaluation did, for the scheduler: when to come back, when replicas were written, and whether a decision was superseded.</summary>
internal sealed record ReconcileOutcome(TimeSpan? Next, DateTimeOffset? ScaledAt = null, bool Superseded = false)
{
    /// <summary>
    /// The instant the evaluation read the clock, from which <see cref="Next"/> counts: ticks aligned on it fall on the
    /// same instant for every cluster of an interval, so they come due together and share one fetch.
    /// </summary>
    public DateTimeOffset EvaluatedAt { get; init; }
}

/// <summary>
/// The level-based reconcile of one RisingWaveAutoscaler, controller-runtime style: read the autoscaler and its
/// RisingWave from the caches, compare what the engine decides with what the RisingWave asks for, act (or report what
/// it would do), and write status only when it changed. Every outcome is an event with the one-line reason, the status
/// and a structured log line with the full trail. Bad input (a broken spec, a missing target, a bad annotation, an
/// unreachable Prometheus) is reported and changes nothing.
/// </summary>
internal sealed class AutoscalerReconciler(
    IResourceView autoscalers,
    IResourceView risingWaves,
    TargetIndex index,
    MetricsHub hub,
    PrometheusSources sources,
    IScalingActuator actuator,
    IEventSink events,
    IStatusWriter status,
    TimeProvider time,
    DaemonMetrics metrics,
    ILogger log,
    PolicyRegistry? registry = null)
{
    // An invalid spec has no polling interval: the ceiling of the backoff for writing its status.
    private static readonly TimeSpan InvalidSpecRetry = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<ClusterRef, ClusterState> _states = new();
    private readonly PolicyRegistry _registry = registry ?? PolicyRegistry.BuiltIn;

    /// <summary>How often a decision that keeps being repeated (a dry run, a skipped change) is published again.</summary>
    public TimeSpan RepeatInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The ceiling of override pins and bounds (<see cref="DaemonOptions.MaxOverrideReplicas"/>).</summary>
    public int MaxOverrideReplicas { get; init; } = OverrideAnnotations.DefaultMaxReplicas;

    /// <summary>
    /// How long after a rescale ends (running replicas at the target) the component still counts as rescaling: its
    /// signals are rates over a window, and until a whole window has passed they still describe the old size.
    /// </summary>
    public TimeSpan RescaleSettle { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The clusters' compute and compactor pods, for HPA's per-pod rules; null observes no pods.</summary>
    public PodIndex? Pods { get; init; }

    /// <summary>With shards, this replica's identity, recorded in the status of the autoscalers it owns.</summary>
    public string? Shard { get; init; }

    /// <summary>Whether this replica acts on a cluster (with shards, the ones its membership owns; otherwise all).</summary>
    public Func<ClusterRef, bool> Owns { get; init; } = _ => true;

    public int Known => _states.Count;

    /// <summary>The parsed spec of an autoscaler (cached per generation); null when it is gone or invalid.</summary>
    public AutoscalerConfig? ConfigOf(ClusterRef key)
    {
        if (autoscalers.Get(key) is not { } obj)
        {
            return null;
        }

        var state = _states.GetOrAdd(key, _ => new ClusterState());
        lock (state)
        {
            return Parse(state, obj, out _);
        }
    }

    /// <summary>The metrics need of an autoscaler, or null when it has none (gone, invalid).</summary>
    public MetricsNeed? NeedOf(ClusterRef key) => Owns(key) && ConfigOf(key) is { } config ? sources.NeedOf(config) : null;

    public async Task<ReconcileOutcome> ReconcileAsync(ClusterRef key, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var now = time.GetUtcNow();
            return await ReconcileCoreAsync(key, now, cancellationToken) with { EvaluatedAt = now };
        }
        finally
        {
            metrics.EvaluationSeconds.Observe(clock.Elapsed.TotalSeconds);
        }
    }

    private async Task<ReconcileOutcome> ReconcileCoreAsync(ClusterRef key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Gone, or another shard's: drop what this replica held for it (its owner keeps the history in the status,
        // from which a session is seeded again if it comes back), and do nothing until it changes or moves here.
        var obj = Owns(key) ? autoscalers.Get(key) : null;
        if (obj is null)
        {
            if (_states.TryRemove(key, out var gone) && gone.Config is { } old)
            {
                hub.Forget(old.Target);
                metrics.Forget(old.Target);
            }

            return new ReconcileOutcome(null);
        }

        var state = _states.GetOrAdd(key, _ => new ClusterState());
        var self = Reference(obj, RisingWaveAutoscaler.ApiVersion, RisingWaveAutoscaler.KindName);
        var config = Parse(state, obj, out var specErrors);
        var conditions = ReadStatus(state, obj).Conditions;
        if (config is null)
        {
            var message = Shorten(string.Join("; ", specErrors));
            PublishOnce(state, $"spec:{obj.GetGeneration()}", new EventNote(self, EventNote.Warning, "InvalidSpec", "Validate", message));
            log.LogWarning("{Autoscaler}: invalid spec, nothing is done: {Errors}", key, message);
            var written = await WriteNotReadyAsync(key, obj, conditions, "InvalidSpec", message, now, cancellationToken);
            return new ReconcileOutcome(After(state, !written, null, InvalidSpecRetry));
        }

        if (ClaimedBy(obj, config) is { } owner)
        {
            var message = $"RisingWave {config.Target.Name} is already sized by RisingWaveAutoscaler {owner.Name}; this one does nothing";
            PublishOnce(state, $"claimed:{owner}", new EventNote(self, EventNote.Warning, "TargetClaimed", "Validate", message));
            var written = await WriteNotReadyAsync(key, obj, conditions, "TargetClaimed", message, now, cancellationToken);
            return new ReconcileOutcome(After(state, !written, config.PollingInterval, config.PollingInterval));
        }

        if (risingWaves.Get(config.Target) is not { } rwObj)
        {
            var message = $"RisingWave {config.Target} not found";
            PublishOnce(state, $"target:{config.Generation}", new EventNote(self, EventNote.Warning, "TargetNotFound", "Validate", message));
            var written = await WriteNotReadyAsync(key, obj, conditions, "TargetNotFound", message, now, cancellationToken);
            return new ReconcileOutcome(After(state, !written, config.PollingInterval, config.PollingInterval));
        }

        var rw = RisingWaveState.From(rwObj);
        var rwRef = Reference(rwObj, "risingwave.risingwavelabs.com/v1alpha1", "RisingWave");
        var overrides = OverrideAnnotations.Parse(rw.Annotations, MaxOverrideReplicas);
        foreach (var problem in overrides.Problems)
        {
            PublishOnce(state, $"override:{problem}", new EventNote(rwRef, EventNote.Warning, "InvalidOverride", "Validate", $"{problem}; {problem.Effect}", self));
        }

        SeedSession(state, obj, config, now);
        var (observation, missing, components) = ObservationBuilder.Build(rw, config.Policy, hub.Store, now, Pods);
        if (missing.Count > 0)
        {
            var message = $"the RisingWave has no node group for {string.Join(", ", missing.Select(m => $"{m} (spec.components.{m.Kind.ToName()}.nodeGroups[name='{m.Group}'])"))}";
            PublishOnce(state, $"groups:{config.Generation}:{message}", new EventNote(self, EventNote.Warning, "NodeGroupNotFound", "Validate", message, rwRef));
            if (components.Count == 0)
            {
                var written = await WriteNotReadyAsync(key, obj, conditions, "NodeGroupNotFound", message, now, cancellationToken);
                return new ReconcileOutcome(After(state, !written, config.PollingInterval, config.PollingInterval));
            }
        }

        ReportRescales(state, self, config.Target, components, now);
        observation = observation with
        {
            Components = [.. observation.Components.Select(c => !c.RescaleInProgress && Settling(state, c.Key, now) ? c with { RescaleInProgress = true } : c)],
        };
        var dryRun = config.Mode == AutoscalerMode.DryRun || overrides.DryRunAt(now);
        if (overrides.DryRun && overrides.DryRunUntil is { } dryUntil && dryUntil <= now)
        {
            PublishOnce(state, $"expired:dry-run:{TimeText.Rfc3339(dryUntil)}", new EventNote(rwRef, EventNote.Normal, "OverrideExpired", "Validate",
                $"{OverrideAnnotations.DryRun} expired at {TimeText.Rfc3339(dryUntil)}; changes are made again", self));
        }

        var endpoint = hub.StatusOf(config.Target);
        var report = new StatusReport(config, rw, components, dryRun, overrides, now);
        if (!endpoint.Available)
        {
            // Prometheus out of reach: hold every component where it is; nothing is decided from missing data.
            if (!state.MetricsOutageReported)
            {
                state.MetricsOutageReported = true;
                events.Publish(new EventNote(self, EventNote.Warning, "MetricsUnavailable", "Observe",
                    Shorten($"{endpoint.Source}: {endpoint.Error}; holding replicas until it answers")));
            }

            metrics.MetricsAvailable.WithLabels(config.Target.Namespace, config.Target.Name).Set(0);
            report.MetricsUnavailable($"{endpoint.Source}: {endpoint.Error}");
            var written = await WriteStatusAsync(key, obj, state, report, conditions, cancellationToken);
            return new ReconcileOutcome(After(state, !written, NextTick(config.PollingInterval, now), config.PollingInterval));
        }

        if (state.MetricsOutageReported)
        {
            state.MetricsOutageReported = false;
            events.Publish(new EventNote(self, EventNote.Normal, "MetricsAvailable", "Observe", $"{endpoint.Source} answers again"));
        }

        var customProblems = hub.Store.CustomProblems(config.Target);
        report.CustomSignalProblems(customProblems);
        foreach (var (signal, problem) in customProblems)
        {
            PublishEvery(state, $"signal:{signal}", new EventNote(self, EventNote.Warning, "CustomSignalFailed", "Observe",
                Shorten($"signal {signal}: {problem}; the policies that read it hold")));
        }

        var decision = await state.Session!.DecideAsync(observation, overrides.Engine, now, cancellationToken);
        DateTimeOffset? scaledAt = null;
        var failed = false;
        var superseded = false;
        foreach (var component in decision.Components)
        {
            var acted = false;
            var outcome = "none";
            foreach (var expired in component.ExpiredOverrides)
            {
                PublishOnce(state, $"expired:{component.Component.Kind}:{expired}", new EventNote(rwRef, EventNote.Normal, "OverrideExpired", "Validate",
                    $"override {expired}; normal scaling resumes", self));
            }

            if (component.IsChange)
            {
                (acted, outcome) = await ActAsync(state, config, rw, component, dryRun, self, rwRef, cancellationToken);
                failed |= outcome == "failed";
                superseded |= outcome == "superseded";
                if (acted)
                {
                    scaledAt = time.GetUtcNow();
                }

                metrics.Decisions.WithLabels(config.Target.Namespace, config.Target.Name, component.Component.ToString(), component.To > component.From ? "up" : "down", outcome).Inc();
                Remember(state, config, component, acted, dryRun || outcome == "skipped");
            }

            state.Session.Record(component, acted);
            Log(key, component, outcome, acted);
            report.Decided(component, acted);
            metrics.DesiredReplicas.WithLabels(config.Target.Namespace, config.Target.Name, component.Component.ToString()).Set(component.To);
        }

        metrics.MetricsAvailable.WithLabels(config.Target.Namespace, config.Target.Name).Set(decision.Components.All(c => c.MetricsAvailable) ? 1 : 0);
        report.SignalFindings(await DiagnoseAsync(state, config, decision, self, now, cancellationToken));
        failed |= !await WriteStatusAsync(key, obj, state, report, conditions, cancellationToken);
        return new ReconcileOutcome(After(state, failed, NextTick(config.PollingInterval, now), config.PollingInterval), scaledAt, superseded);
    }

    // A failed write (a patch, or the status: how users and a replica that takes the cluster over learn what was
    // decided) is tried again after 2, 4, 8... seconds, at most the interval, instead of at the next poll.
    private static TimeSpan? After(ClusterState state, bool failed, TimeSpan? next, TimeSpan cap)
    {
        state.Failures = failed ? state.Failures + 1 : 0;
        return failed ? TimeSpan.FromSeconds(Math.Min(cap.TotalSeconds, Math.Pow(2, Math.Min(state.Failures, 10)))) : next;
    }

    private async Task<(bool Acted, string Outcome)> ActAsync(
        ClusterState state, AutoscalerConfig config, RisingWaveState rw, ComponentDecision decision, bool dryRun,
        V1ObjectReference self, V1ObjectReference rwRef, CancellationToken cancellationToken)
    {
        var key = $"{decision.Component}:{decision.From}->{decision.To}";
        if (dryRun)
        {
            PublishEvery(state, $"dry:{key}", new EventNote(self, EventNote.Normal, "DryRun", "Decide", $"dry run, not applied: {decision.Reason}", rwRef));
            return (false, "dry_run");
        }

        if (rw.OperatorPaused)
        {
            PublishEvery(state, $"skip:{key}", new EventNote(self, EventNote.Normal, "ScaleSkipped", "Scale",
                $"not applied while {RisingWaveState.PauseReconcile} is set: {decision.Reason}", rwRef));
            return (false, "skipped");
        }

        var result = await actuator.ScaleAsync(new ScaleRequest(config.Target, decision.Component, decision.From, decision.To, OverrideAnnotations.Fingerprint(rw.Annotations)), cancellationToken);
        switch (result.Outcome)
        {
            case ActuationOutcome.Scaled:
                // A rescale has begun: its end (running replicas at the target) starts the settle clock.
                state.Rescaling[decision.Component] = true;
                var via = result.ScaleView is { } view ? $" (through RisingWaveScaleView {view})" : "";
                events.Publish(new EventNote(self, EventNote.Normal, "Rescaled", "Scale", decision.Reason + via, rwRef));
                return (true, "scaled");
            case ActuationOutcome.Skipped:
                PublishEvery(state, $"skip:{key}", new EventNote(self, EventNote.Normal, "ScaleSkipped", "Scale", $"{result.Message}: {decision.Reason}", rwRef));
                return (false, "skipped");
            case ActuationOutcome.Superseded:
                log.LogInformation("{Autoscaler}: {Message}", config.Resource, result.Message);
                return (false, "superseded");
            default:
                events.Publish(new EventNote(self, EventNote.Warning, "RescaleFailed", "Scale", Shorten($"{result.Message}; wanted {decision.Reason}"), rwRef));
                return (false, "failed");
        }
    }

    private static void Remember(ClusterState state, AutoscalerConfig config, ComponentDecision decision, bool acted, bool reportedOnly)
    {
        var record = new DecisionRecord
        {
            Time = decision.Time,
            Component = decision.Component.Kind.ToName(),
            Group = decision.Component.Group.Length == 0 ? null : decision.Component.Group,
            From = decision.From,
            To = decision.To,
            Recommended = decision.Recommended,
            Acted = acted,
            DryRun = reportedOnly && !acted ? true : null,
            Reason = Shorten(decision.Reason),
        };

        // A change that keeps being reported (dry run, operator paused) is one history entry, refreshed, not one per tick.
        if (!acted && state.History.Count > 0 && state.History[^1] is { Acted: false } last
            && last.Component == record.Component && last.Group == record.Group && last.From == record.From && last.To == record.To)
        {
            state.History[^1] = record;
        }
        else
        {
            state.History.Add(record);
        }

        while (state.History.Count > config.HistoryLimit)
        {
            state.History.RemoveAt(0);
        }

        if (acted)
        {
            state.LastScale[decision.Component] = (decision.Time, record.Reason);
        }
    }

    private void ReportRescales(ClusterState state, V1ObjectReference self, ClusterRef target, IReadOnlyList<ComponentState> components, DateTimeOffset now)
    {
        foreach (var component in components)
        {
            if (state.Rescaling.TryGetValue(component.Key, out var was) && was && !component.RescaleInProgress)
            {
                state.RescaleCompleted[component.Key] = now;
                events.Publish(new EventNote(self, EventNote.Normal, "RescaleCompleted", "Observe",
                    $"{component.Key} reached {component.Running} running replicas"));
            }

            state.Rescaling[component.Key] = component.RescaleInProgress;
            metrics.CurrentReplicas.WithLabels(target.Namespace, target.Name, component.Key.ToString()).Set(component.Target);
            metrics.RunningReplicas.WithLabels(target.Namespace, target.Name, component.Key.ToString()).Set(component.Running);
        }
    }

    private bool Settling(ClusterState state, ComponentKey key, DateTimeOffset now) =>
        state.RescaleCompleted.TryGetValue(key, out var completed) && now < completed + RescaleSettle;

    private void Log(ClusterRef key, ComponentDecision decision, string outcome, bool acted)
    {
        var level = decision.IsChange ? LogLevel.Information : LogLevel.Debug;
        if (!log.IsEnabled(level))
        {
            return;
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            DecisionJson.WriteComponent(writer, decision);
        }

        log.Log(level, "{Autoscaler} {Component} {From} -> {To} ({Outcome}, acted {Acted}): {Reason} {Trail}",
            key.ToString(), decision.Component.ToString(), decision.From, decision.To, outcome, acted, decision.Reason, Encoding.UTF8.GetString(stream.ToArray()));
    }

    private AutoscalerConfig? Parse(ClusterState state, JsonObject obj, out IReadOnlyList<string> errors)
    {
        var generation = obj.GetGeneration() ?? 0;
        var uid = obj.GetUid();
        if (state.Config is { } cached && state.ConfigGeneration == generation && state.Uid == uid)
        {
            errors = [];
            return cached;
        }

        var config = AutoscalerSpecReader.Read(obj, out var specErrors, _registry);
        errors = specErrors.Select(e => e.ToString()).ToList();
        if (config is not null)
        {
            state.Config = config;
            state.ConfigGeneration = generation;
            state.Uid = uid;
        }

        return config;
    }

    private static void SeedSession(ClusterState state, JsonObject obj, AutoscalerConfig config, DateTimeOffset now)
    {
        if (state.Session is not null && state.SessionGeneration == config.Generation)
        {
            return;
        }

        var previous = state.Session?.History.Entries.ToArray() ?? [];
        state.Session = new ScalingSession(config.Engine);
        state.SessionGeneration = config.Generation;
        if (!state.Seeded)
        {
            // After a restart: the decisions kept in status restore cooldowns, rate limits and the status history.
            state.Seeded = true;
            foreach (var record in StatusHistory(obj).Where(r => r.Time <= now))
            {
                state.History.Add(record);
                if (record.Acted)
                {
                    state.LastScale[ComponentKeyOf(record)] = (record.Time, record.Reason);
                }
            }

            previous = [.. state.History.Select(ToEntry)];
        }

        state.Session.Seed(previous.Where(e => e.Time <= now));
    }

    private static HistoryEntry ToEntry(DecisionRecord record) => new()
    {
        Time = record.Time,
        Component = ComponentKeyOf(record),
        From = record.From,
        To = record.Acted ? record.To : record.From,
        Recommended = record.Recommended ?? record.To,
        Acted = record.Acted,
        Reason = record.Reason,
    };

    private static ComponentKey ComponentKeyOf(DecisionRecord record) =>
        new(ComponentKindNames.TryParse(record.Component, out var kind) ? kind : ComponentKind.Compute, record.Group ?? "");

    private static List<DecisionRecord> StatusHistory(JsonObject obj)
    {
        var list = new List<DecisionRecord>();
        if (obj["status"] is JsonObject s && s["history"] is JsonArray history)
        {
            foreach (var item in history.OfType<JsonObject>())
            {
                try
                {
                    if (item.Deserialize<DecisionRecord>(KubeStatusWriter.Options) is { } record && ComponentKindNames.TryParse(record.Component, out _))
                    {
                        list.Add(record);
                    }
                }
                catch (JsonException)
                {
                    // Someone edited the status by hand: skip what does not read.
                }
            }
        }

        return [.. list.OrderBy(r => r.Time)];
    }

    private ClusterRef? ClaimedBy(JsonObject obj, AutoscalerConfig config)
    {
        // Two autoscalers on one RisingWave would fight: the oldest keeps it (name breaks ties).
        var mine = (obj["metadata"]?["creationTimestamp"]?.ToString() ?? "", config.Resource.Name);
        foreach (var key in index.AutoscalersOf(config.Target))
        {
            if (key == config.Resource || autoscalers.Get(key) is not { } other)
            {
                continue;
            }

            var theirs = (other["metadata"]?["creationTimestamp"]?.ToString() ?? "", key.Name);
            if (string.CompareOrdinal(theirs.Item1, mine.Item1) < 0 || (theirs.Item1 == mine.Item1 && string.CompareOrdinal(theirs.Name, mine.Name) < 0))
            {
                return key;
            }
        }

        return null;
    }

    private async Task<bool> WriteNotReadyAsync(ClusterRef key, JsonObject obj, IReadOnlyList<Condition> conditions, string reason, string message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var generation = obj.GetGeneration();
        var list = conditions;
        list = Conditions.Set(list, new Condition { Type = "Ready", Status = "False", Reason = reason, Message = Shorten(message), ObservedGeneration = generation }, now).Conditions;
        list = Conditions.Set(list, new Condition { Type = "Active", Status = "False", Reason = reason, Message = "nothing is changed until the autoscaler is ready", ObservedGeneration = generation }, now).Conditions;
        var current = obj["status"] as JsonObject;
        var existing = current?.Deserialize<AutoscalerStatus>(KubeStatusWriter.Options) ?? new AutoscalerStatus();
        return await TryWriteAsync(key, current, existing with { ObservedGeneration = generation, Conditions = list }, cancellationToken);
    }

    private async Task<bool> WriteStatusAsync(ClusterRef key, JsonObject obj, ClusterState state, StatusReport report, IReadOnlyList<Condition> conditions, CancellationToken cancellationToken)
    {
        var current = obj["status"] as JsonObject;
        var next = report.Build(state, ReadStatus(state, obj).Status, conditions, obj.GetGeneration(), Shard);
        return await TryWriteAsync(key, current, next, cancellationToken);
    }

    // False when the write failed: the evaluation is then tried again soon (After); the decision itself is already
    // made and reported in the events and the log.
    private async Task<bool> TryWriteAsync(ClusterRef key, JsonObject? current, AutoscalerStatus next, CancellationToken cancellationToken)
    {
        try
        {
            await status.WriteAsync(key, current, next, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is Kube.Client.KubeApiException or HttpRequestException or TimeoutException)
        {
            log.LogWarning("{Autoscaler}: status not written, trying again shortly: {Error}", key, e.Message);
            return false;
        }
    }

    // The status as last read, parsed once per resourceVersion: most ticks change nothing, and parsing every
    // autoscaler's status (its history included) on every tick was a third of a tick's CPU at 10,000 clusters.
    private static StatusRead ReadStatus(ClusterState state, JsonObject obj)
    {
        var version = obj.GetResourceVersion();
        if (state.LastStatus is { } cached && version is not null && cached.ResourceVersion == version)
        {
            return cached;
        }

        return state.LastStatus = new StatusRead(version, Parse<AutoscalerStatus>(obj["status"]), Parse<List<Condition>>(obj["status"]?["conditions"]) ?? []);
    }

    // A status someone else broke is rebuilt from scratch rather than stopping the evaluation.
    private static T? Parse<T>(JsonNode? node)
        where T : class
    {
        try
        {
            return node?.Deserialize<T>(KubeStatusWriter.Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    // The catalogue signals a policy found missing this tick, diagnosed against Prometheus as autoscaler doctor does:
    // once per set of missing signals and repeat interval, into SignalsReady and one Warning event per set.
    private async Task<IReadOnlyList<Doctor.Finding>?> DiagnoseAsync(
        ClusterState state, AutoscalerConfig config, ClusterDecision decision, V1ObjectReference self, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var missing = decision.Components.SelectMany(c => c.Proposals)
            .Where(p => p.MetricsMissing && p.Signal is { IsCustom: false })
            .Select(p => p.Signal!.Value.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            state.SignalDiagnosis = null;
            return [];
        }

        var key = string.Join(',', missing);
        if (state.SignalDiagnosis is { } last && last.Missing == key && now - last.At < RepeatInterval)
        {
            return last.Findings;
        }

        IReadOnlyList<Doctor.Finding>? absent;
        try
        {
            var source = await sources.NeedOf(config).Source(cancellationToken);
            var needs = Doctor.SignalDoctor.Needs(config.Policy).Where(n => missing.Contains(n.Key)).ToDictionary(n => n.Key, n => n.Value, StringComparer.Ordinal);
            absent = [.. (await source.DiagnoseAsync(config.Target, needs, now, cancellationToken)).Where(f => !f.Present)];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Unknown, not "all present": SignalsReady keeps what it said; tried again after the repeat interval.
            log.LogDebug(e, "diagnosing the missing signals of {Cluster} failed", config.Target);
            absent = null;
        }

        state.SignalDiagnosis = (key, now, absent);
        if (absent is { Count: > 0 })
        {
            PublishOnce(state, $"signals:{key}", new EventNote(self, EventNote.Warning, "SignalsAbsent", "Observe",
                Shorten(string.Join("; ", absent.Select(f => $"{f.Signal}: {f.Detail}" + (f.Fix is { } fix ? $" (fix: {fix})" : ""))))));
        }

        return absent;
    }

    private void PublishOnce(ClusterState state, string key, EventNote note)
    {
        if (state.Reported.Add(key))
        {
            events.Publish(note);
        }
    }

    private void PublishEvery(ClusterState state, string key, EventNote note)
    {
        var now = time.GetUtcNow();
        if (!state.LastPublished.TryGetValue(key, out var last) || now - last >= RepeatInterval)
        {
            state.LastPublished[key] = now;
            events.Publish(note);
        }
    }

    /// <summary>Ticks land on multiples of the interval, so that clusters sharing an interval share a fetch.</summary>
    internal static TimeSpan NextTick(TimeSpan interval, DateTimeOffset now)
    {
        var ticks = interval.Ticks;
        var remainder = now.UtcTicks % ticks;
        return TimeSpan.FromTicks(ticks - remainder);
    }

    private static V1ObjectReference Reference(JsonObject obj, string apiVersion, string kind) => new()
    {
        ApiVersion = apiVersion,
        Kind = kind,
        NamespaceProperty = obj.GetNamespace(),
        Name = obj.GetName(),
        Uid = obj.GetUid(),
    };

    internal static string Shorten(string text) => text.Length > 900 ? text[..897] + "..." : text;

    internal static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
