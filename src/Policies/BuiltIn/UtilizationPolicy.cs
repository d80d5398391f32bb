using System.Collections.Immutable;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.BuiltIn;

/// <summary>Where a metric comes from, in HPA's terms.</summary>
public enum MetricSource
{
    /// <summary>A per-pod metric averaged over the pods (HPA Resource and Pods metrics).</summary>
    Pods,
    /// <summary>One series for the whole component (HPA External metrics; what KEDA feeds the HPA).</summary>
    External,
}

/// <summary>
/// One metric of the <c>utilization</c> policy, with HPA's target kinds: AverageValue or Value. A Pods metric reads a
/// catalogue signal; an External one may read a custom signal too.
/// </summary>
public sealed record UtilizationMetric(MetricSource Source, SignalRef Signal, double? AverageValue, double? Value);

/// <summary>
/// <c>utilization</c>: the Kubernetes HPA replica calculation, exactly
/// (kubernetes pkg/controller/podautoscaler/replica_calculator.go and horizontal.go).
/// </summary>
public sealed record UtilizationPolicySpec : PolicySpec
{
    /// <summary>HPA's default when no metric is given: 80% average CPU.</summary>
    public static UtilizationMetric DefaultMetric { get; } = new(MetricSource.Pods, Signal.CpuUtilization, 0.8, null);

    public ImmutableArray<UtilizationMetric> Metrics { get; init; } = [DefaultMetric];

    /// <summary>--horizontal-pod-autoscaler-tolerance, per direction as in autoscaling/v2 behavior.tolerance.</summary>
    public double ScaleUpTolerance { get; init; } = 0.1;

    public override IEnumerable<SignalRef> SignalsRead => Metrics.Select(m => m.Signal);

    public double ScaleDownTolerance { get; init; } = 0.1;

    /// <summary>--horizontal-pod-autoscaler-cpu-initialization-period.</summary>
    public TimeSpan CpuInitializationPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>--horizontal-pod-autoscaler-initial-readiness-delay.</summary>
    public TimeSpan InitialReadinessDelay { get; init; } = TimeSpan.FromSeconds(30);
}

internal sealed class UtilizationPolicyType : IPolicyType
{
    public string Type => "utilization";

    public string Summary => "the Kubernetes HPA algorithm on a utilization signal (cpuUtilization by default)";

    public PolicySpec? Parse(ConfigMapReader fields, ComponentKind component)
    {
        var tolerance = fields.Number("tolerance", 0.1, new NumberRange(0, 1, MaxOpen: true));
        var up = fields.Number("scaleUpTolerance", tolerance, new NumberRange(0, 1, MaxOpen: true));
        var down = fields.Number("scaleDownTolerance", tolerance, new NumberRange(0, 1, MaxOpen: true));
        var init = fields.Duration("cpuInitializationPeriod", TimeSpan.FromMinutes(5), TimeSpan.Zero, TimeSpan.FromHours(1));
        var delay = fields.Duration("initialReadinessDelay", TimeSpan.FromSeconds(30), TimeSpan.Zero, TimeSpan.FromHours(1));
        var metrics = fields.Field("metrics") is null
            ? [UtilizationPolicySpec.DefaultMetric]
            : fields.List("metrics", (node, path) => ReadMetric(node, path, fields.Errors));
        if (metrics.IsEmpty)
        {
            return null;
        }

        return new UtilizationPolicySpec
        {
            Type = Type,
            Metrics = metrics,
            ScaleUpTolerance = up,
            ScaleDownTolerance = down,
            CpuInitializationPeriod = init,
            InitialReadinessDelay = delay,
        };
    }

    public IScalingPolicy Create(PolicySpec spec) => new UtilizationPolicy((UtilizationPolicySpec)spec);

    private static UtilizationMetric? ReadMetric(ConfigNode node, string path, SpecErrorList errors)
    {
        var map = ConfigMapReader.Open(node, path, errors);
        if (map is null)
        {
            return null;
        }

        var source = map.Choice("type", MetricSource.Pods, ("Pods", MetricSource.Pods), ("External", MetricSource.External));
        var signalName = map.OptionalString("signal");
        var ok = CustomSignalSpec.IsName(signalName);
        var signal = ok ? SignalRef.Custom(signalName!) : default;
        if (!ok)
        {
            errors.Add(map.PathOf("signal"), $"must be a catalogue signal ({string.Join(", ", SignalNames.All)}) or one defined under signals, got '{signalName}'", map.Field("signal") ?? node);
        }
        else if (source == MetricSource.Pods && signal.IsCustom)
        {
            map.Fail("signal", map.Field("signal")!, $"'{signalName}' is a custom signal, one series per cluster: read it with type: External");
            ok = false;
        }

        var average = map.OptionalNumber("averageValue", NumberRange.Positive);
        var value = map.OptionalNumber("value", NumberRange.Positive);
        if (average is null == value is null)
        {
            errors.Add(path, "must set exactly one target: averageValue or value", node);
            ok = false;
        }
        else if (source == MetricSource.Pods && value is not null)
        {
            map.Fail("value", map.Field("value")!, "a Pods metric has an averageValue target only (per pod), as in HPA");
            ok = false;
        }

        map.Done();
        return ok ? new UtilizationMetric(source, signal, average, value) : null;
    }
}

internal sealed class UtilizationPolicy : IScalingPolicy
{
    private readonly UtilizationPolicySpec _spec;
    private readonly ExplanationTemplate[] _templates;
    private static readonly ExplanationTemplate AllMissing = new("no metric could be read ({0} of {0} unavailable)", "invalidMetrics");
    private static readonly ExplanationTemplate SkipScaleDown = new(
        "{0} of {1:0|metric} unavailable and the others suggest {2}: scaling down is skipped", "invalidMetrics", "metrics", "suggested");

    public UtilizationPolicy(UtilizationPolicySpec spec)
    {
        _spec = spec;
        Name = spec.DisplayName;
        _templates = spec.Metrics.Select(Describe).ToArray();
    }

    public string Name { get; }

    public Proposal Propose(in PolicyContext context)
    {
        // computeReplicasForMetrics: the largest proposal over the valid metrics.
        var best = new MetricResult(-1, 0, 0, 0, 0, 0);
        var bestIndex = -1;
        var invalid = 0;
        SignalRef? invalidSignal = null;
        var invalidSamples = 0;
        for (var i = 0; i < _spec.Metrics.Length; i++)
        {
            var metric = _spec.Metrics[i];
            var result = metric.Source == MetricSource.Pods ? PodsReplicas(metric, context) : ExternalReplicas(metric, context);
            invalidSamples += result.InvalidSamples;
            if (result.Replicas < 0)
            {
                invalid++;
                invalidSignal ??= metric.Signal;
                continue;
            }

            if (bestIndex < 0 || result.Replicas > best.Replicas)
            {
                best = result;
                bestIndex = i;
            }
        }

        if (invalid == _spec.Metrics.Length)
        {
            return new Proposal
            {
                Policy = Name,
                Kind = ProposalKind.Abstain,
                MetricsMissing = true,
                Signal = invalidSignal,
                InvalidSamples = invalidSamples,
                Template = AllMissing,
                Numbers = new Numbers(invalid),
            };
        }

        if (invalid > 0 && best.Replicas < context.Current)
        {
            // horizontal.go: "invalidMetricsCount > 0 && replicas < specReplicas" makes the HPA keep the scale.
            return new Proposal
            {
                Policy = Name,
                Kind = ProposalKind.Replicas,
                Replicas = context.Current,
                MetricsMissing = true,
                Signal = invalidSignal,
                InvalidSamples = invalidSamples,
                Template = SkipScaleDown,
                Numbers = new Numbers(invalid, _spec.Metrics.Length, best.Replicas),
            };
        }

        return new Proposal
        {
            Policy = Name,
            Kind = ProposalKind.Replicas,
            Replicas = best.Replicas,
            MetricsMissing = invalid > 0,
            Signal = invalid > 0 ? invalidSignal : (best.InvalidSamples > 0 ? _spec.Metrics[bestIndex].Signal : null),
            InvalidSamples = invalidSamples,
            Template = _templates[bestIndex],
            Numbers = new Numbers(best.Value, best.Pods, best.Target, best.Ratio, best.Replicas),
        };
    }

    /// <summary>A metric's proposal; <c>Replicas</c> is -1 when the metric could not be computed.</summary>
    private readonly record struct MetricResult(int Replicas, double Value, double Pods, double Target, double Ratio, int InvalidSamples);

    private bool WithinTolerance(double ratio) =>
        1.0 - _spec.ScaleDownTolerance <= ratio && ratio <= 1.0 + _spec.ScaleUpTolerance;

    // GetResourceReplicas (cpu) and calcPlainMetricReplicas (other per-pod metrics), computed on counts
    // and sums so that no per-pod list is allocated.
    private MetricResult PodsReplicas(UtilizationMetric metric, in PolicyContext context)
    {
        var target = metric.AverageValue!.Value;
        var signal = metric.Signal.BuiltIn!.Value; // the parser lets Pods metrics read catalogue signals only
        var isCpu = signal == Signal.CpuUtilization;
        var current = context.Current;
        int ready = 0, ignored = 0, missing = 0, invalidSamples = 0;
        double sum = 0;

        var pods = context.Component.Pods;
        if (pods.IsDefaultOrEmpty)
        {
            // No per-pod view: every ready pod reports the component average, the other pods report nothing.
            var reading = context.Latest(signal);
            invalidSamples = reading.Invalid;
            var existing = Math.Max(context.Component.CurrentReplicas, context.Component.ReadyReplicas);
            if (reading.IsOk)
            {
                ready = context.Component.ReadyReplicas;
                sum = reading.Value * ready;
                missing = existing - ready;
            }
            else
            {
                missing = existing;
            }
        }
        else
        {
            foreach (var pod in pods)
            {
                if (pod.Deleting || pod.Phase == PodPhase.Failed)
                {
                    continue;
                }

                if (pod.Phase == PodPhase.Pending)
                {
                    ignored++;
                    continue;
                }

                if (!pod.Values.TryGetValue(signal, out var sample) || !sample.IsUsable || context.Now - sample.Time > context.StaleAfter)
                {
                    invalidSamples += pod.Values.ContainsKey(signal) && !sample.IsUsable ? 1 : 0;
                    missing++;
                    continue;
                }

                if (isCpu && IgnoreCpuSample(pod, sample, context.Now))
                {
                    ignored++;
                    continue;
                }

                ready++;
                sum += sample.Value;
            }
        }

        if (ready == 0)
        {
            return new MetricResult(-1, 0, 0, target, 0, invalidSamples); // "did not receive metrics for any ready pods"
        }

        // HPA averages in integers: whole percent of the request for cpu, milli-units for other metrics.
        var average = isCpu ? Math.Floor(Math.Round(sum / ready * 100, 6)) / 100 : Milli(sum / ready);
        var usageRatio = average / target;
        var rebalanceIgnored = ignored > 0 && usageRatio > 1.0;
        if (!rebalanceIgnored && missing == 0)
        {
            var replicas = WithinTolerance(usageRatio) ? current : Ceiling(usageRatio * ready);
            return new MetricResult(replicas, average, ready, target, usageRatio, invalidSamples);
        }

        var count = ready;
        if (missing > 0)
        {
            if (usageRatio < 1.0)
            {
                // On a scale-down, missing pods count as using 100% of the request (cpu) or of the target.
                sum += missing * (isCpu ? 1.0 : target);
                count += missing;
            }
            else if (usageRatio > 1.0 || !isCpu)
            {
                count += missing; // on a scale-up, as using nothing
            }
        }

        if (rebalanceIgnored)
        {
            count += ignored; // not-yet-ready pods count as using nothing on a scale-up
        }

        var newRatio = (isCpu ? Math.Floor(Math.Round(sum / count * 100, 6)) / 100 : Milli(sum / count)) / target;
        if (WithinTolerance(newRatio) || (usageRatio < 1.0 && newRatio > 1.0) || (usageRatio > 1.0 && newRatio < 1.0))
        {
            return new MetricResult(current, average, ready, target, newRatio, invalidSamples);
        }

        var newReplicas = Ceiling(newRatio * count);
        if (isCpu && ((newRatio < 1.0 && newReplicas > current) || (newRatio > 1.0 && newReplicas < current)))
        {
            return new MetricResult(current, average, ready, target, newRatio, invalidSamples);
        }

        return new MetricResult(newReplicas, average, count, target, newRatio, invalidSamples);
    }

    // groupPods, the cpu part: samples of pods that are not ready, or still initializing, are set aside.
    private bool IgnoreCpuSample(PodObservation pod, Sample sample, DateTimeOffset now)
    {
        if (pod.ReadyTransitionTime is null && pod.StartTime is null)
        {
            // The observation says nothing of the pod's history: take its readiness as it is.
            return !pod.Ready;
        }

        if (pod.ReadyTransitionTime is not { } transition || pod.StartTime is not { } start)
        {
            return true; // HPA: no Ready condition or no start time
        }

        if (start + _spec.CpuInitializationPeriod > now)
        {
            // Within the initialization period: ignore unready pods and samples taken before the pod became ready
            // (HPA adds the metric's window to the transition; our samples are points, so the window is zero).
            return !pod.Ready || sample.Time < transition;
        }

        // After it: ignore a pod that is unready and has never been ready since it started.
        return !pod.Ready && start + _spec.InitialReadinessDelay > transition;
    }

    // GetExternalMetricReplicas (Value) and GetExternalPerPodMetricReplicas (AverageValue).
    private MetricResult ExternalReplicas(UtilizationMetric metric, in PolicyContext context)
    {
        var reading = context.Latest(metric.Signal);
        if (!reading.IsOk)
        {
            return new MetricResult(-1, 0, 0, metric.Value ?? metric.AverageValue ?? 0, 0, reading.Invalid);
        }

        var value = Milli(reading.Value);
        if (metric.Value is { } total)
        {
            var ratio = value / total;
            var current = context.Current;
            int replicas;
            if (current != 0)
            {
                replicas = WithinTolerance(ratio) ? current : Ceiling(ratio * context.Component.ReadyReplicas);
            }
            else
            {
                replicas = Ceiling(ratio); // scale from zero: no tolerance, no pods to count
            }

            return new MetricResult(replicas, value, context.Component.ReadyReplicas, total, ratio, reading.Invalid);
        }

        var perPod = metric.AverageValue!.Value;
        var statusReplicas = context.Component.CurrentReplicas;
        var usage = value / (perPod * statusReplicas);
        var result = WithinTolerance(usage) ? statusReplicas : Ceiling(value / perPod);
        return new MetricResult(result, value, statusReplicas, perPod, usage, reading.Invalid);
    }

    /// <summary>HPA counts in milli-units: a value is truncated to three decimals.</summary>
    private static double Milli(double value) => Math.Floor(Math.Round(value * 1000, 6)) / 1000;

    /// <summary>Rounds up, ignoring the last bits of floating point noise (0.2 / 0.1 is 2.0000000000000004).</summary>
    private static int Ceiling(double value) => (int)Math.Ceiling(Math.Round(value, 9));

    private static ExplanationTemplate Describe(UtilizationMetric metric)
    {
        var signal = metric.Signal.Name;
        string[] names = ["value", "pods", "target", "ratio", "replicas"];
        return metric.Source switch
        {
            MetricSource.Pods => new ExplanationTemplate($"{signal} averages {{0:0.###}} over {{1:0|pod}} against a target of {{2:0.###}} per pod (ratio {{3:0.###}}) -> {{4}}", names),
            _ when metric.Value is not null => new ExplanationTemplate($"{signal} is {{0:0.###}} against a target of {{2:0.###}} (ratio {{3:0.###}}) over {{1:0|ready pod}} -> {{4}}", names),
            _ => new ExplanationTemplate($"{signal} is {{0:0.###}} against a target of {{2:0.###}} per pod over {{1:0|pod}} (ratio {{3:0.###}}) -> {{4}}", names),
        };
    }
}
