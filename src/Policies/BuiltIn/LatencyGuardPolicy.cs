using System.Collections.Immutable;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.BuiltIn;

/// <summary>An SLO on one signal: it is violated while the signal is above <paramref name="Threshold"/>.</summary>
public sealed record SloTarget(Signal Signal, double Threshold);

/// <summary>
/// <c>latency-guard</c>: SLOs on barrier latency and source lag. While an SLO is violated it vetoes any
/// scale-down; once the violation has lasted <c>for</c>, it steps up, unless the signal is already falling fast
/// enough to be back within the SLO in another <c>for</c> (a cluster recovering from its own rescale pause must
/// not be stepped up again and again).
/// </summary>
public sealed record LatencyGuardPolicySpec : PolicySpec
{
    public override IEnumerable<SignalRef> SignalsRead => Targets.Select(t => (SignalRef)t.Signal);

    // How long an SLO has been violated is read back over 'for', so a longer violation is not cut short.
    public override IEnumerable<SignalReach> Reach => Targets.Select(t => t.Signal).Append(Signal.BarrierLatencyP99Capped).Select(s => new SignalReach(s, For));


    public required ImmutableArray<SloTarget> Targets { get; init; }

    /// <summary>How long a violation must last before stepping up (Prometheus' <c>for</c>).</summary>
    public TimeSpan For { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Violations are counted only from this long after the last rescale, so a step gets time to work.</summary>
    public TimeSpan Stabilization { get; init; } = TimeSpan.FromMinutes(2);

    public StepSpec Step { get; init; } = new(RatePolicyType.Percent, 50);
}

internal sealed class LatencyGuardPolicyType : IPolicyType
{
    public string Type => "latency-guard";

    public string Summary => "SLOs on freshness: a violated barrier latency or source lag SLO vetoes scale-down, and a lasting one steps up";

    public PolicySpec? Parse(ConfigMapReader fields, ComponentKind component)
    {
        var targets = ImmutableArray.CreateBuilder<SloTarget>();
        if (fields.OptionalDuration("barrierLatencyP99", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)) is { } latency)
        {
            targets.Add(new SloTarget(Signal.BarrierLatencyP99, latency.TotalSeconds));
        }

        if (fields.OptionalDuration("sourceLagSeconds", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)) is { } lagSeconds)
        {
            targets.Add(new SloTarget(Signal.SourceLagSeconds, lagSeconds.TotalSeconds));
        }

        if (fields.OptionalNumber("sourceLagMessages", NumberRange.Positive) is { } lagMessages)
        {
            targets.Add(new SloTarget(Signal.SourceLagMessages, lagMessages));
        }

        if (targets.Count == 0 && !fields.Errors.HasErrors)
        {
            fields.Errors.Add(fields.Path, "must set at least one SLO: barrierLatencyP99, sourceLagSeconds or sourceLagMessages", fields.Node);
            return null;
        }

        var defaults = new LatencyGuardPolicySpec { Type = Type, Targets = [] };
        return defaults with
        {
            Targets = targets.ToImmutable(),
            For = fields.Duration("for", defaults.For, TimeSpan.Zero, TimeSpan.FromHours(6)),
            Stabilization = fields.Duration("stabilization", defaults.Stabilization, TimeSpan.Zero, TimeSpan.FromHours(6)),
            Step = StepSpec.Read(fields, "step", defaults.Step),
        };
    }

    public IScalingPolicy Create(PolicySpec spec) => new LatencyGuardPolicy((LatencyGuardPolicySpec)spec);
}

internal sealed class LatencyGuardPolicy : IScalingPolicy
{
    private static readonly string[] NumberNames = ["value", "threshold", "violatedSeconds", "forSeconds", "replicas"];
    private static readonly ExplanationTemplate Healthy = new("every SLO is met");
    private static readonly ExplanationTemplate Unknown = new("cannot tell whether the SLOs are met");

    private readonly LatencyGuardPolicySpec _spec;
    private readonly ExplanationTemplate[] _violated;
    private readonly ExplanationTemplate[] _stepping;
    private readonly ExplanationTemplate[] _recovering;
    private readonly ExplanationTemplate _cappedViolated;
    private readonly ExplanationTemplate _cappedStepping;

    public LatencyGuardPolicy(LatencyGuardPolicySpec spec)
    {
        _spec = spec;
        Name = spec.DisplayName;
        // Each value with its unit: "barrierLatencyP99 13.2 s is over its SLO of 10 s".
        _violated = spec.Targets.Select(t => new ExplanationTemplate(
            $"{t.Signal.ToName()} {{0:0.###}} {Unit(t.Signal)} is over its SLO of {{1:0.###}} {Unit(t.Signal)} for {{2:0}}s (steps up after {{3:0}}s); no scale-down", NumberNames)).ToArray();
        _stepping = spec.Targets.Select(t => new ExplanationTemplate(
            $"{t.Signal.ToName()} {{0:0.###}} {Unit(t.Signal)} has been over its SLO of {{1:0.###}} {Unit(t.Signal)} for {{2:0}}s -> {{4}} ({spec.Step})", NumberNames)).ToArray();
        _recovering = spec.Targets.Select(t => new ExplanationTemplate(
            $"{t.Signal.ToName()} {{0:0.###}} {Unit(t.Signal)} is over its SLO of {{1:0.###}} {Unit(t.Signal)} for {{2:0}}s but falling: {{5:0.###}} {Unit(t.Signal)} expected in {{3:0}}s; no scale-down",
            [.. NumberNames, "projected"])).ToArray();
        // Beyond the histogram's last bucket the p99 is a lower bound: whatever the SLO, it cannot be shown to be met.
        const string Capped = "barrierLatencyP99 is at least {0:0.###} s (beyond the histogram's last bucket), counted as over its SLO of {1:0.###} s for {2:0}s";
        _cappedViolated = new ExplanationTemplate(Capped + " (steps up after {3:0}s); no scale-down", NumberNames);
        _cappedStepping = new ExplanationTemplate(Capped + $" -> {{4}} ({spec.Step})", NumberNames);
    }

    public string Name { get; }

    public TimeSpan SignalHorizon => _spec.Horizon;

    // A violation is counted from the last rescale's settling: that rescale must still be in the history when a
    // violation could have lasted 'for' since it, or the violation before the rescale would count too.
    public TimeSpan HistoryHorizon => _spec.For + _spec.Stabilization;

    // Hosts and recordings without the flag (the simulator's model has no ceiling, older recordings) read the number as it is.
    private static bool IsCapped(in PolicyContext context) => context.Latest(Signal.BarrierLatencyP99Capped) is { IsOk: true, Value: >= 0.5 };

    // A literal in a composite format: braces would be holes.
    private static string Unit(Signal signal) => signal.Unit().Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    public Proposal Propose(in PolicyContext context)
    {
        var since = context.LastAction is { } action ? action.Time + _spec.Stabilization : DateTimeOffset.MinValue;
        var worst = -1;
        var worstFor = TimeSpan.MinValue;
        var worstValue = 0.0;
        var worstCapped = false;
        Signal? missing = null;
        var invalid = 0;
        for (var i = 0; i < _spec.Targets.Length; i++)
        {
            var target = _spec.Targets[i];
            var reading = context.Latest(target.Signal);
            invalid += reading.Invalid;
            if (!reading.IsOk)
            {
                missing ??= target.Signal;
                continue;
            }

            var capped = target.Signal == Signal.BarrierLatencyP99 && IsCapped(context);
            if (reading.Value <= target.Threshold && !capped)
            {
                continue;
            }

            var violatedFor = SignalReader.AboveFor(context[target.Signal], target.Threshold, since, context.Now);
            if (capped)
            {
                // Over the SLO while above it or capped: with a ceiling under the threshold only the flag tells, above it both do.
                var cappedFor = SignalReader.AboveFor(context[Signal.BarrierLatencyP99Capped], 0.5, since, context.Now);
                violatedFor = cappedFor > violatedFor ? cappedFor : violatedFor;
            }

            if (violatedFor > worstFor)
            {
                worst = i;
                worstFor = violatedFor;
                worstValue = reading.Value;
                worstCapped = capped;
            }
        }

        if (worst < 0)
        {
            return new Proposal
            {
                Policy = Name,
                Kind = ProposalKind.Abstain,
                MetricsMissing = missing is not null,
                Signal = missing,
                InvalidSamples = invalid,
                Template = missing is null ? Healthy : Unknown,
            };
        }

        var slo = _spec.Targets[worst];
        var stepped = _spec.Step.Apply(context.Current);
        var longEnough = worstFor >= _spec.For;
        var template = worstCapped ? (longEnough ? _cappedStepping : _cappedViolated) : longEnough ? _stepping[worst] : _violated[worst];
        var projected = double.NaN;
        if (longEnough && !worstCapped) // a capped value's trend says nothing of where the latency is heading
        {
            // Where the violation is heading: its trend over the violation, carried one more 'for' ahead.
            var slope = SignalReader.Slope(context[slo.Signal], context.Now - worstFor, context.Now);
            projected = worstValue + ((double.IsNaN(slope) ? 0 : slope) * _spec.For.TotalSeconds);
            if (projected <= slo.Threshold)
            {
                longEnough = false;
                template = _recovering[worst];
            }
        }

        return new Proposal
        {
            Policy = Name,
            Kind = longEnough ? ProposalKind.Replicas : ProposalKind.Abstain,
            Replicas = longEnough ? stepped : 0,
            VetoScaleDown = true,
            MetricsMissing = missing is not null,
            Signal = missing,
            InvalidSamples = invalid,
            Template = template,
            Numbers = new Numbers(worstValue, slo.Threshold, worstFor.TotalSeconds, _spec.For.TotalSeconds, stepped, projected),
        };
    }
}
