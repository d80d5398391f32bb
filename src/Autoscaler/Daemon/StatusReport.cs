using RwAutoscaler.Autoscaler.Overrides;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>
/// Collects what one evaluation found and builds the status from it: per component the replicas and the decision, the
/// conditions (Ready, Active, DryRun, Paused, MetricsAvailable) and the lines <c>kubectl get rwa</c> prints.
/// </summary>
internal sealed class StatusReport(AutoscalerConfig config, RisingWaveState rw, IReadOnlyList<ComponentState> components, bool dryRun, OverrideSet overrides, DateTimeOffset now)
{
    private readonly Dictionary<ComponentKey, (ComponentDecision Decision, bool Acted)> _decisions = [];
    private string? _metricsError;

    private IReadOnlyList<(string Signal, string Problem)> _customProblems = [];

    private IReadOnlyList<Doctor.Finding>? _absent;

    public void MetricsUnavailable(string error) => _metricsError = error;

    /// <summary>The signals the policies read that the cluster's Prometheus lacks, with why and the fix (empty: all present).</summary>
    public void SignalFindings(IReadOnlyList<Doctor.Finding>? absent) => _absent = absent;

    /// <summary>Custom signals whose last query did not give this cluster one clean series, by name.</summary>
    public void CustomSignalProblems(IReadOnlyList<(string Signal, string Problem)> problems) => _customProblems = problems;

    public void Decided(ComponentDecision decision, bool acted)
    {
        ArgumentNullException.ThrowIfNull(decision);
        _decisions[decision.Component] = (decision, acted);
    }

    // Kept from the last change only (a trail rewritten on every tick would write the status on every tick), in memory:
    // the cached object may not show our own last write yet. After a restart it is read back from the status.
    private static IReadOnlyList<string>? LastTrail(ClusterState state, ComponentKey key, ComponentDecision? decided, AutoscalerStatus? previous)
    {
        var trail = decided is { IsChange: true } ? Trail(decided)
            : state.Trails.TryGetValue(key, out var kept) ? kept
            : previous?.Components?.FirstOrDefault(c => c.Component == key.Kind.ToName() && (c.Group ?? "") == key.Group)?.Trail;
        if (trail is not null)
        {
            state.Trails[key] = trail;
        }

        return trail;
    }

    internal static List<string> Trail(ComponentDecision decision)
    {
        var lines = decision.Proposals.Select((p, i) => $"{(i == decision.Winner ? "* " : "")}{p.Policy}: "
            + (p.Kind == ProposalKind.Replicas ? $"{p.Replicas}" : p.Kind == ProposalKind.Bounds ? "bounds" : "no opinion") + $" ({p.Explain()})")
            .Concat(decision.Guards.Select(g => $"guard {g.Guard}: {g.Before} -> {g.After} ({g.Explain()})"))
            .Take(24)
            .ToList();
        return lines;
    }

    public AutoscalerStatus Build(ClusterState state, AutoscalerStatus? previous, IReadOnlyList<Condition> conditions, long? generation, string? shard = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var paused = overrides.Engine.Pause is { } pause && (pause.Until is not { } until || until > now);
        var componentStatus = new List<ComponentStatus>();
        foreach (var component in components)
        {
            var decided = _decisions.TryGetValue(component.Key, out var d) ? d.Decision : null;
            var desired = decided?.To ?? component.Target;
            state.LastScale.TryGetValue(component.Key, out var scaled);
            var lastReason = state.History.LastOrDefault(h => h.Component == component.Key.Kind.ToName() && (h.Group ?? "") == component.Key.Group)?.Reason;
            componentStatus.Add(new ComponentStatus
            {
                Component = component.Key.Kind.ToName(),
                Group = component.Key.Group.Length == 0 ? null : component.Key.Group,
                CurrentReplicas = component.Target,
                RunningReplicas = component.Running,
                DesiredReplicas = desired,
                LastScaleTime = scaled.Reason is null ? null : scaled.Time,
                LastReason = lastReason,
                RescaleCompletedTime = state.RescaleCompleted.TryGetValue(component.Key, out var done) ? done : null,
                ScaleView = component.ScaleView,

                Trail = LastTrail(state, component.Key, decided, previous),
            });
        }

        var list = conditions;
        void Set(string type, bool value, string reason, string message) =>
            list = Conditions.Set(list, new Condition
            {
                Type = type,
                Status = value ? "True" : "False",
                Reason = reason,
                Message = AutoscalerReconciler.Shorten(message),
                ObservedGeneration = generation,
            }, now).Conditions;

        Set("Ready", true, "Reconciled", $"sizing RisingWave {config.Target.Name}: {string.Join(", ", components.Select(c => c.Key.ToString()))}");
        var dryRunBySpec = config.Mode == AutoscalerMode.DryRun;
        Set("DryRun", dryRun, dryRun ? (dryRunBySpec ? "SpecMode" : "DryRunAnnotation") : "Active",
            dryRun ? (dryRunBySpec ? "spec.mode is dryRun: decisions are reported, not applied" : $"{OverrideAnnotations.DryRun} is set on the RisingWave") : "decisions are applied");
        if (paused)
        {
            var end = overrides.Engine.Pause!.Until is { } u ? $"until {TimeText.Rfc3339(u)}" : "until the annotation is removed";
            Set("Paused", true, "PauseAnnotation", $"{OverrideAnnotations.Paused} holds every component {end}");
        }
        else if (rw.OperatorPaused)
        {
            Set("Paused", true, "OperatorPaused", $"{RisingWaveState.PauseReconcile} is set: the operator is paused, so no change is written");
        }
        else
        {
            Set("Paused", false, "NotPaused", "not paused");
        }

        var missing = _decisions.Values.Where(d => !d.Decision.MetricsAvailable).Select(d => MissingSignals(d.Decision))
            .Concat(_customProblems.Select(p => $"signal {p.Signal}: {p.Problem}")).ToList();
        if (_metricsError is not null)
        {
            Set("MetricsAvailable", false, "PrometheusUnavailable", $"{_metricsError}; replicas are held as they are");
        }
        else if (missing.Count > 0)
        {
            Set("MetricsAvailable", false, "SignalsMissing", string.Join("; ", missing) + "; no scale-down until they are back");
        }
        else
        {
            Set("MetricsAvailable", true, "SignalsRead", "the signals the policies need are read");
        }

        if (_absent is { Count: > 0 } absent)
        {
            Set("SignalsReady", false, "SignalsAbsent", string.Join("; ", absent.Select(f => $"{f.Signal}: {f.Detail}" + (f.Fix is { } fix ? $" (fix: {fix})" : ""))));
        }
        else if (_absent is not null)
        {
            Set("SignalsReady", true, "SignalsPresent", "every signal the policies read is in Prometheus");
        }

        var (active, activeReason, activeMessage) =
            _metricsError is not null ? (false, "PrometheusUnavailable", "holding replicas while Prometheus is out of reach")
            : dryRun ? (false, "DryRun", "reporting decisions without applying them")
            : paused ? (false, "Paused", "paused by an annotation")
            : rw.OperatorPaused ? (false, "OperatorPaused", "the operator is paused")
            : (true, "Scaling", "decisions are applied");
        Set("Active", active, activeReason, activeMessage);

        var lastScale = state.LastScale.Count == 0 ? previous?.LastScaleTime : state.LastScale.Values.Max(s => s.Time);
        return new AutoscalerStatus
        {
            ObservedGeneration = generation,
            Compute = Summary(ComponentKind.Compute, paused || rw.OperatorPaused),
            Compactor = Summary(ComponentKind.Compactor, paused || rw.OperatorPaused),
            LastScaleTime = lastScale,
            LastReason = state.History.Count > 0 ? state.History[^1].Reason : previous?.LastReason,
            Shard = shard,
            Components = componentStatus,
            Conditions = list,
            History = [.. state.History],
        };
    }

    // "4", "4 -> 8", "4 -> 8 (dry run)", "4 (paused)", "8 (6 running)".
    private string? Summary(ComponentKind kind, bool paused)
    {
        if (components.FirstOrDefault(c => c.Key.Kind == kind) is not { } component)
        {
            return null;
        }

        var text = component.Target.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (_decisions.TryGetValue(component.Key, out var d) && d.Decision.To != component.Target && !d.Acted)
        {
            text += $" -> {d.Decision.To}" + (dryRun ? " (dry run)" : "");
        }

        if (component.Running != component.Target)
        {
            text += $" ({component.Running} running)";
        }

        if (paused)
        {
            text += " (paused)";
        }

        return text;
    }

    private static string MissingSignals(ComponentDecision decision)
    {
        var signals = decision.Proposals.Where(p => p.MetricsMissing && p.Signal is not null).Select(p => $"{p.Policy} lacks {p.Signal!.Value.Name}").Distinct().ToList();
        var raised = decision.Guards.Any(g => g.Guard == "fallback") ? $" (raised to its fallback.replicas floor, {decision.To})" : "";
        return $"{decision.Component}: {(signals.Count > 0 ? string.Join(", ", signals) : "signals missing")}{raised}";
    }
}
