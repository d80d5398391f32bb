using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.BuiltIn;

/// <summary>
/// <c>throughput</c>: the DS2 model as the Flink Kubernetes operator's autoscaler applies it
/// (flink-autoscaler ScalingMetricEvaluator, JobVertexScaler, AutoScalerUtils). Defaults are Flink's
/// (AutoScalerOptions), so a spec that sets nothing behaves like the Flink autoscaler.
/// </summary>
public sealed record ThroughputPolicySpec : PolicySpec
{
    public override IEnumerable<SignalRef> SignalsRead =>
        [Signal.IngestRate, Signal.ProcessedRate, Signal.BusyRatio, Signal.SourceLagMessages, Signal.SourceLagSeconds];

    public override IEnumerable<SignalReach> Reach =>
    [
        // The window starts after the last rescale settled, never before now - metricsWindow.
        .. new[] { Signal.ProcessedRate, Signal.BusyRatio, Signal.IngestRate, Signal.SourceLagMessages }.Select(s => new SignalReach(s, MetricsWindow)),
        new(Signal.IngestRate, PeakWindow), // the peak hold and the burst test
    ];


    /// <summary>utilization.target.</summary>
    public double TargetUtilization { get; init; } = 0.7;

    /// <summary>utilization.min / utilization.max; by default target -/+ 0.3 (target.utilization.boundary).</summary>
    public double UtilizationMin { get; init; } = 0.4;

    public double UtilizationMax { get; init; } = 1.0;

    /// <summary>metrics.window.</summary>
    public TimeSpan MetricsWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>stabilization.interval: samples taken this soon after a rescale are not used.</summary>
    public TimeSpan Stabilization { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>catch-up.duration: the backlog must be worked off within this; zero disables the term.</summary>
    public TimeSpan CatchUpDuration { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>restart.time: how long a rescale stops processing.</summary>
    public TimeSpan RestartTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>backlog-processing.lag-threshold: above this lag the job is catching up and never scales down.</summary>
    public TimeSpan BacklogLagThreshold { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>scale-up.max-factor.</summary>
    public double ScaleUpMaxFactor { get; init; } = 100_000;

    /// <summary>scale-down.max-factor: a scale-down removes at most this fraction of the replicas.</summary>
    public double ScaleDownMaxFactor { get; init; } = 0.6;

    /// <summary>scale-down.interval: a scale-down waits this long, then takes the largest count asked for meanwhile.</summary>
    public TimeSpan ScaleDownInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Release after a burst: when every count wished for since the scale-down was first wished is at most this share
    /// of the current replicas, the scale-down waits only <see cref="ReleaseInterval"/>. 0 (Flink's behaviour) never
    /// releases early. Capacity raised to work off a burst's backlog is far above the need once it has drained, while
    /// the fall after a daily peak asks for a little less at a time and keeps the full interval. The wishes are counted
    /// after the <see cref="ScaleDownMaxFactor"/> clamp, so a value below 1 - ScaleDownMaxFactor never releases.
    /// </summary>
    public double ReleaseBelow { get; init; }

    /// <summary>
    /// A scale-down keeps what the highest ingest rate of this window needs at the target utilisation; zero (Flink's
    /// behaviour) looks at the metrics window only. Each rescale pauses the dataflow, so giving back capacity that a
    /// load returning within this window needs again costs a violation and buys little.
    /// </summary>
    public TimeSpan PeakWindow { get; init; }

    /// <summary>
    /// Release once a burst has drained: with no backlog left, when the highest ingest rate of <see cref="PeakWindow"/>
    /// is at least this multiple of the rate now and the window's mean at most <see cref="BurstMeanShare"/> of that
    /// peak, the scale-down goes straight to the need after <see cref="ReleaseInterval"/>, neither held for the peak
    /// nor clamped by <see cref="ScaleDownMaxFactor"/>. 0 (Flink's behaviour) never does. A burst is a short peak far
    /// above the window's mean; a daily peak or a plateau that lasted hours lifts the mean too and keeps the hold.
    /// Without a peak window there is no burst to see (a tuner may set the window to zero, so that is not an error).
    /// </summary>
    public double BurstRatio { get; init; }

    /// <summary>The largest share of the peak that the mean of <see cref="PeakWindow"/> may be for a burst (see <see cref="BurstRatio"/>).</summary>
    public double BurstMeanShare { get; init; } = 0.3;

    /// <summary>How long a release waits (see <see cref="ReleaseBelow"/>).</summary>
    public TimeSpan ReleaseInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>scaling.effectiveness.threshold.</summary>
    public double EffectivenessThreshold { get; init; } = 0.1;

    /// <summary>scaling.effectiveness.detection.enabled: block scale-ups after an ineffective one.</summary>
    public bool BlockIneffectiveScaleUp { get; init; }

    /// <summary>
    /// How much of a linear gain a replica adds (Flink's observed scalability coefficient, fixed here).
    /// RisingWave scales sublinearly; 1 assumes linear scaling as Flink does by default.
    /// </summary>
    public double ScalabilityCoefficient { get; init; } = 1.0;
}

internal sealed class ThroughputPolicyType : IPolicyType
{
    public string Type => "throughput";

    public string Summary => "DS2, as the Flink autoscaler applies it: true processing rate per replica against the ingest rate (compute only)";

    public PolicySpec? Parse(ConfigMapReader fields, ComponentKind component)
    {
        if (component != ComponentKind.Compute)
        {
            fields.Errors.Add(fields.PathOf("type"), "throughput sizes the dataflow: it applies to compute only", fields.Field("type"));
        }

        var target = fields.Number("targetUtilization", 0.7, NumberRange.UnitOpenClosed);
        var boundary = fields.Number("utilizationBoundary", 0.3, NumberRange.Unit);
        var min = fields.Number("utilizationMin", Math.Round(Math.Max(0, target - boundary), 9), NumberRange.Unit);
        var max = fields.Number("utilizationMax", Math.Round(Math.Min(1, target + boundary), 9), NumberRange.UnitOpenClosed);
        if (min > target || max < target)
        {
            fields.Errors.Add(fields.Path, $"utilizationMin ({min}) <= targetUtilization ({target}) <= utilizationMax ({max}) must hold", fields.Node);
        }

        var defaults = new ThroughputPolicySpec { Type = Type };
        var spec = defaults with
        {
            TargetUtilization = target,
            UtilizationMin = min,
            UtilizationMax = max,
            MetricsWindow = fields.Duration("metricsWindow", defaults.MetricsWindow, TimeSpan.FromSeconds(30), TimeSpan.FromDays(1)),
            Stabilization = fields.Duration("stabilization", defaults.Stabilization, TimeSpan.Zero, TimeSpan.FromDays(1)),
            CatchUpDuration = fields.Duration("catchUpDuration", defaults.CatchUpDuration, TimeSpan.Zero, TimeSpan.FromDays(1)),
            RestartTime = fields.Duration("restartTime", defaults.RestartTime, TimeSpan.Zero, TimeSpan.FromDays(1)),
            BacklogLagThreshold = fields.Duration("backlogLagThreshold", defaults.BacklogLagThreshold, TimeSpan.Zero, TimeSpan.FromDays(1)),
            ScaleUpMaxFactor = fields.Number("scaleUpMaxFactor", defaults.ScaleUpMaxFactor, NumberRange.Positive),
            ScaleDownMaxFactor = fields.Number("scaleDownMaxFactor", defaults.ScaleDownMaxFactor, new NumberRange(0, 1, MaxOpen: true)),
            ScaleDownInterval = fields.Duration("scaleDownInterval", defaults.ScaleDownInterval, TimeSpan.Zero, TimeSpan.FromDays(1)),
            ReleaseBelow = fields.Number("releaseBelow", defaults.ReleaseBelow, new NumberRange(0, 1, MaxOpen: true)),
            PeakWindow = fields.Duration("peakWindow", defaults.PeakWindow, TimeSpan.Zero, TimeSpan.FromDays(1)),
            BurstRatio = fields.Number("burstRatio", defaults.BurstRatio, NumberRange.NonNegative),
            BurstMeanShare = fields.Number("burstMeanShare", defaults.BurstMeanShare, NumberRange.UnitOpenClosed),
            ReleaseInterval = fields.Duration("releaseInterval", defaults.ReleaseInterval, TimeSpan.Zero, TimeSpan.FromDays(1)),
            EffectivenessThreshold = fields.Number("effectivenessThreshold", defaults.EffectivenessThreshold, NumberRange.Unit),
            BlockIneffectiveScaleUp = fields.Boolean("blockIneffectiveScaleUp", false),
            ScalabilityCoefficient = fields.Number("scalabilityCoefficient", 1.0, NumberRange.UnitOpenClosed),
        };
        if (spec.BurstRatio is > 0 and <= 1)
        {
            fields.Errors.Add(fields.PathOf("burstRatio"), $"must be 0 (off) or above 1 (how many times the rate now a burst's peak is), not {spec.BurstRatio}", fields.Field("burstRatio"));
        }

        return spec;
    }

    public IScalingPolicy Create(PolicySpec spec) => new ThroughputPolicy((ThroughputPolicySpec)spec);
}

internal sealed class ThroughputPolicy(ThroughputPolicySpec spec) : IScalingPolicy
{
    private static readonly string[] RateNames = ["trueProcessingRate", "targetRate", "lag", "targetCapacity", "replicas", "current"];

    private static readonly ExplanationTemplate WithinBand = new(
        "capacity {0:N0}/s is within [{3:N0}, {4:N0}]/s for a target rate of {1:N0}/s and a lag of {2:N0}",
        "trueProcessingRate", "targetRate", "lag", "scaleUpThreshold", "scaleDownThreshold");

    private static readonly ExplanationTemplate Rescale = new(
        "needs {3:N0}/s for a target rate of {1:N0}/s and a lag of {2:N0}; {5:0|replica} process {0:N0}/s -> {4}", RateNames);

    private static readonly ExplanationTemplate Pending = new(
        "capacity {0:N0}/s exceeds the {3:N0}/s needed; scale-down to {4} waits {5:0}s more", RateNames);

    private static readonly ExplanationTemplate Blocked = new(
        "the last scale-up raised capacity by {5:0%} of what was expected; scale-up to {4} blocked (capacity {0:N0}/s, needs {3:N0}/s)", RateNames);

    private static readonly ExplanationTemplate Ineffective = new(
        "needs {3:N0}/s for a target rate of {1:N0}/s; the last scale-up gave only {5:0%} of the expected gain -> {4}", RateNames);

    private static readonly ExplanationTemplate HeldForPeak = new(
        "capacity {0:N0}/s exceeds the {1:N0}/s now, but the peak of {3:N0}/s in the last {5:0}s needs {4:0|replica}: no scale-down",
        "trueProcessingRate", "targetRate", "lag", "peakRate", "replicas", "peakWindowSeconds");

    private static readonly ExplanationTemplate Released = new(
        "a burst has drained: needs {3:N0}/s for a target rate of {1:N0}/s; {5:0|replica} process {0:N0}/s -> {4}", RateNames);

    private static readonly ExplanationTemplate Collecting = new(
        "collecting metrics: {0:0}s of the {1:0}s window since the last rescale settled", "collectedSeconds", "windowSeconds");

    private static readonly ExplanationTemplate Missing = new("cannot compute the processing rate");

    private static readonly ExplanationTemplate NoReplicas = new("no replica is running");

    public string Name { get; } = spec.DisplayName;

    public TimeSpan HistoryHorizon => spec.ScaleDownInterval + spec.MetricsWindow + spec.Stabilization;

    public TimeSpan SignalHorizon => spec.Horizon;

    public Proposal Propose(in PolicyContext context)
    {
        var now = context.Now;
        var current = context.Current;
        var replicas = context.Component.ReadyReplicas > 0 ? context.Component.ReadyReplicas : current;
        if (replicas <= 0)
        {
            return Abstain(NoReplicas, default);
        }

        // Samples from before a rescale settled describe another cluster: the window starts after it.
        var windowStart = now - spec.MetricsWindow;
        var lastAction = context.LastAction;
        if (lastAction is not null && lastAction.Time + spec.Stabilization > windowStart)
        {
            var collected = Math.Max(0, (now - (lastAction.Time + spec.Stabilization)).TotalSeconds);
            return Abstain(Collecting, new Numbers(collected, spec.MetricsWindow.TotalSeconds));
        }

        var processed = context.Window(Signal.ProcessedRate, windowStart);
        var busy = context.Window(Signal.BusyRatio, windowStart);
        if (!processed.IsOk || !busy.IsOk)
        {
            var signal = !processed.IsOk ? Signal.ProcessedRate : Signal.BusyRatio;
            return Abstain(Missing, default) with
            {
                MetricsMissing = true,
                Signal = signal,
                InvalidSamples = !processed.IsOk ? processed.Invalid : busy.Invalid,
            };
        }

        if (processed.First - windowStart > context.StaleAfter)
        {
            return Abstain(Collecting, new Numbers((now - processed.First).TotalSeconds, spec.MetricsWindow.TotalSeconds));
        }

        // Target rate at the source: what arrives (ingest), or what is consumed plus the growth of the lag.
        var ingest = context.Window(Signal.IngestRate, windowStart);
        var lagReading = context.Latest(Signal.SourceLagMessages);
        var lag = lagReading.IsOk ? lagReading.Value : 0;
        double targetRate;
        if (ingest.IsOk)
        {
            targetRate = ingest.Mean;
        }
        else
        {
            var growth = SignalReader.Slope(context[Signal.SourceLagMessages], windowStart, now);
            targetRate = Math.Max(0, processed.Mean + (double.IsNaN(growth) ? 0 : growth));
        }

        var lagSecondsReading = context.Latest(Signal.SourceLagSeconds);
        var lagSeconds = lagSecondsReading.IsOk ? lagSecondsReading.Value : (targetRate > 0 ? lag / targetRate : 0);
        var backlog = lagSeconds > spec.BacklogLagThreshold.TotalSeconds;

        // True processing rate: what the replicas would process if they were busy all the time.
        var tpr = busy.Mean > 0 ? processed.Mean / busy.Mean : double.PositiveInfinity;

        // Dead band. While working off a backlog the band is [0, 1]: never scale down then.
        var upper = backlog ? 1.0 : spec.UtilizationMax;
        var lower = backlog ? 0.0 : spec.UtilizationMin;
        var scaleUpThreshold = Capacity(targetRate, lag, upper, withRestart: false);
        var scaleDownThreshold = lower <= 0 ? double.PositiveInfinity : Capacity(targetRate, lag, lower, withRestart: true);
        var invalid = new SampleQuality(processed.Invalid + busy.Invalid, processed.Invalid > 0 ? Signal.ProcessedRate : Signal.BusyRatio);
        if (tpr >= scaleUpThreshold && tpr <= scaleDownThreshold)
        {
            return Replicas(current, WithinBand, new Numbers(tpr, targetRate, lag, scaleUpThreshold, scaleDownThreshold), invalid);
        }

        var targetCapacity = Capacity(targetRate, lag, spec.TargetUtilization, withRestart: true);
        var needFactor = double.IsPositiveInfinity(tpr) ? 0 : targetCapacity / tpr / spec.ScalabilityCoefficient;
        var desired = ReplicasAt(Math.Clamp(needFactor, 1 - spec.ScaleDownMaxFactor, 1 + spec.ScaleUpMaxFactor), replicas);

        // The unclamped need, for a release once a burst has drained; none while the processing rate is unknown.
        var need = double.IsFinite(needFactor) ? Math.Max(1, ReplicasAt(needFactor, replicas)) : int.MaxValue;

        // The peak window's ingest, read once for both the burst test and the peak hold, and only when either may scale down.
        var peak = !backlog && spec.PeakWindow > TimeSpan.Zero && double.IsFinite(tpr) && Math.Min(desired, need) < current
            ? context.Window(Signal.IngestRate, now - spec.PeakWindow)
            : default;
        var drained = BurstDrained(peak, targetRate, need, current);
        if (drained)
        {
            desired = need;
        }

        var numbers = new Numbers(tpr, targetRate, lag, targetCapacity, desired, replicas);

        if (desired > current)
        {
            var effectiveness = LastScaleUpEffectiveness(lastAction, tpr);
            if (effectiveness < spec.EffectivenessThreshold)
            {
                var rated = new Numbers(tpr, targetRate, lag, targetCapacity, desired, effectiveness);
                return spec.BlockIneffectiveScaleUp
                    ? Replicas(current, Blocked, rated, invalid)
                    : Replicas(desired, Ineffective, rated, invalid);
            }

            return Replicas(desired, Rescale, numbers, invalid);
        }

        if (desired < current && !drained && peak.IsOk)
        {
            var forPeak = ReplicasAt(Capacity(peak.Max, 0, spec.TargetUtilization, withRestart: false) / tpr / spec.ScalabilityCoefficient, replicas);
            if (forPeak >= current)
            {
                return Replicas(current, HeldForPeak, new Numbers(tpr, targetRate, lag, peak.Max, forPeak, spec.PeakWindow.TotalSeconds), invalid);
            }

            desired = Math.Max(desired, forPeak);
            numbers = new Numbers(tpr, targetRate, lag, targetCapacity, desired, replicas);
        }

        if (desired == current)
        {
            return Replicas(current, Rescale, numbers, invalid);
        }

        return DelayedScaleDown(context, desired, numbers, invalid, drained);
    }

    // A burst has drained when the need is below the current count and the peak window (read only with no backlog
    // left) has a peak far above both the rate now and the window's mean (see ThroughputPolicySpec.BurstRatio).
    private bool BurstDrained(WindowReading peak, double targetRate, int need, int current) =>
        spec.BurstRatio > 0 && peak.IsOk && need < current && targetRate > 0
        && peak.Max >= spec.BurstRatio * targetRate
        && peak.Mean <= spec.BurstMeanShare * peak.Max;

    // Replicas for a capacity factor over the replicas running now; rounding first keeps 2.0000000001 at 2.
    private static int ReplicasAt(double factor, int replicas) => (int)Math.Ceiling(Math.Round(factor * replicas, 9));

    // AutoScalerUtils.getTargetProcessingCapacity: catch-up of the lag, plus the data that piles up during
    // the restart, plus the steady rate at the given utilization.
    private double Capacity(double targetRate, double lag, double utilization, bool withRestart)
    {
        var catchUp = spec.CatchUpDuration.TotalSeconds;
        var lagRate = catchUp == 0 ? 0 : lag / catchUp;
        var restartRate = !withRestart || catchUp == 0 ? 0 : targetRate * spec.RestartTime.TotalSeconds / catchUp;
        return utilization <= 0 ? double.PositiveInfinity : Math.Round(lagRate + restartRate + (targetRate / utilization));
    }

    // DelayedScaleDown: the first scale-down wish starts a clock; when it has run for the interval (the release
    // interval while every wish is far below the current count or a burst has drained), scale to the largest count wished for meanwhile. Any other proposal, or an action, starts over. The clock is
    // carried in the proposal itself, so the policy needs only the previous entry of the history.
    private Proposal DelayedScaleDown(in PolicyContext context, int desired, Numbers numbers, SampleQuality invalid, bool drained)
    {
        var now = context.Now;
        var since = now;
        var largest = desired;
        if (context.LastEntry is { Acted: false } previous
            && now - previous.Time <= context.StaleAfter
            && previous.ProposalOf(Name) is { PendingSince: { } pendingSince } earlier)
        {
            since = pendingSince;
            largest = Math.Max(largest, earlier.PendingReplicas);
        }

        var interval = drained || largest <= spec.ReleaseBelow * context.Current ? spec.ReleaseInterval : spec.ScaleDownInterval;
        var remaining = interval - (now - since);
        var proposal = remaining <= TimeSpan.Zero
            ? Replicas(largest, drained ? Released : Rescale, new Numbers(numbers[0], numbers[1], numbers[2], numbers[3], largest, numbers[5]), invalid)
            : Replicas(context.Current, Pending, new Numbers(numbers[0], numbers[1], numbers[2], numbers[3], largest, remaining.TotalSeconds), invalid);
        return proposal with { PendingSince = since, PendingReplicas = largest };
    }

    // detectIneffectiveScaleUp: after a scale-up, how much of the expected capacity gain arrived.
    private double LastScaleUpEffectiveness(HistoryEntry? lastAction, double tpr)
    {
        if (lastAction is null || lastAction.To <= lastAction.From || lastAction.From <= 0
            || lastAction.ProposalOf(Name) is not { Kind: ProposalKind.Replicas } before
            || !double.IsFinite(before.Numbers[0]) || !double.IsFinite(tpr))
        {
            return double.PositiveInfinity;
        }

        var tprBefore = before.Numbers[0];
        var expectedGain = tprBefore * ((double)lastAction.To / lastAction.From) - tprBefore;
        return expectedGain <= 0 ? double.PositiveInfinity : (tpr - tprBefore) / expectedGain;
    }

    private Proposal Replicas(int replicas, ExplanationTemplate template, Numbers numbers, SampleQuality quality) => new()
    {
        Policy = Name,
        Kind = ProposalKind.Replicas,
        Replicas = replicas,
        Template = template,
        Numbers = numbers,
        InvalidSamples = quality.Invalid,
        Signal = quality.Invalid > 0 ? quality.Signal : null,
    };

    /// <summary>How many samples of the rate signals were unusable, and of which signal.</summary>
    private readonly record struct SampleQuality(int Invalid, Signal Signal);

    private Proposal Abstain(ExplanationTemplate template, Numbers numbers) => new()
    {
        Policy = Name,
        Kind = ProposalKind.Abstain,
        Template = template,
        Numbers = numbers,
    };
}
