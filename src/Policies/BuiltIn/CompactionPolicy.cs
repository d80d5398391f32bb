using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.BuiltIn;

/// <summary>
/// <c>compaction</c>: compactor replicas from RisingWave's own sizing rules (reference: risingwave.md 3.8):
/// the compaction backlog averaged over ten minutes divided by 4 GB gives the ideal number of compactor
/// cores (performance/metrics.mdx), and running task parallelism against <c>3 x cores</c> task slots
/// (compactor_max_task_multiplier) gives how busy the compactors are. Write-stop takes an emergency step.
/// Busy slots ask for more replicas only when the backlog agrees: a compute rescale's catch-up writes faster than
/// the stream for minutes and fills every slot, while the work it leaves fits the compactors there are.
/// </summary>
public sealed record CompactionPolicySpec : PolicySpec
{
    public override IEnumerable<SignalRef> SignalsRead => [Signal.CompactionPendingBytes, Signal.CompactionRunningSlots, Signal.L0WriteStop];

    public override IEnumerable<SignalReach> Reach => [new(Signal.CompactionPendingBytes, PendingWindow)];


    /// <summary>Pending compaction bytes one compactor core works off (docs: "divide by 4 GB").</summary>
    public double BytesPerCore { get; init; } = 4e9;

    /// <summary>Compaction is bursty: the docs average pending bytes over more than ten minutes.</summary>
    public TimeSpan PendingWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>compactor_max_task_multiplier (3.0 by default).</summary>
    public double SlotsPerCore { get; init; } = 3.0;

    public double TargetSlotUtilization { get; init; } = 0.7;

    public double Tolerance { get; init; } = 0.1;

    /// <summary>Used when the observation does not carry the compactors' CPU limit.</summary>
    public double? CoresPerReplica { get; init; }

    public StepSpec EmergencyStep { get; init; } = new(RatePolicyType.Percent, 100);
}

internal sealed class CompactionPolicyType : IPolicyType
{
    public string Type => "compaction";

    public string Summary => "compactors from RisingWave's sizing rules: pending compaction bytes and running task slots (compactor only)";

    public PolicySpec? Parse(ConfigMapReader fields, ComponentKind component)
    {
        if (component != ComponentKind.Compactor)
        {
            fields.Errors.Add(fields.PathOf("type"), "compaction sizes the compactors: it applies to compactor only", fields.Field("type"));
        }

        var defaults = new CompactionPolicySpec { Type = Type };
        return defaults with
        {
            BytesPerCore = fields.Number("bytesPerCore", defaults.BytesPerCore, NumberRange.Positive),
            PendingWindow = fields.Duration("pendingWindow", defaults.PendingWindow, TimeSpan.FromSeconds(15), TimeSpan.FromHours(6)),
            SlotsPerCore = fields.Number("slotsPerCore", defaults.SlotsPerCore, NumberRange.Positive),
            TargetSlotUtilization = fields.Number("targetSlotUtilization", defaults.TargetSlotUtilization, NumberRange.UnitOpenClosed),
            Tolerance = fields.Number("tolerance", defaults.Tolerance, new NumberRange(0, 1, MaxOpen: true)),
            CoresPerReplica = fields.OptionalNumber("coresPerReplica", NumberRange.Positive),
            EmergencyStep = StepSpec.Read(fields, "emergencyStep", defaults.EmergencyStep),
        };
    }

    public IScalingPolicy Create(PolicySpec spec) => new CompactionPolicy((CompactionPolicySpec)spec);
}

internal sealed class CompactionPolicy(CompactionPolicySpec spec) : IScalingPolicy
{
    private static readonly string[] NumberNames = ["pendingBytes", "idealCores", "backlogReplicas", "slotUtilization", "slotReplicas", "replicas"];

    private static readonly ExplanationTemplate Sized = new(
        "pending {0:bytes} need {1:0.#|core} ({2:0|replica}); task slots {3:0%} busy ({4:0|replica}) -> {5}", NumberNames);

    private static readonly ExplanationTemplate WriteStop = new(
        "writes are stopped (L0 over its limit): emergency step -> {5}; pending {0:bytes}, slots {3:0%} busy", NumberNames);

    private static readonly ExplanationTemplate Burst = new(
        "task slots {3:0%} busy, but pending {0:bytes} needs {1:0.#|core} ({2:0|replica}): a burst the compactors work off -> {5}", NumberNames);

    private static readonly ExplanationTemplate NoCores = new("the compactors' CPU limit is unknown (set coresPerReplica)");
    private static readonly ExplanationTemplate Missing = new("neither compaction backlog nor task slots can be read");

    public string Name { get; } = spec.DisplayName;

    public TimeSpan SignalHorizon => spec.Horizon;

    public Proposal Propose(in PolicyContext context)
    {
        if ((context.Component.CoresPerReplica ?? spec.CoresPerReplica) is not { } cores || cores <= 0)
        {
            return new Proposal { Policy = Name, Kind = ProposalKind.Abstain, Template = NoCores };
        }

        var current = context.Current;
        var pending = context.Window(Signal.CompactionPendingBytes, context.Now - spec.PendingWindow);
        var slots = context.Latest(Signal.CompactionRunningSlots);
        var stop = context.Latest(Signal.L0WriteStop);
        var invalid = pending.Invalid + slots.Invalid + stop.Invalid;
        Signal? missing = !pending.IsOk ? Signal.CompactionPendingBytes : !slots.IsOk ? Signal.CompactionRunningSlots : null;

        var idealCores = pending.IsOk ? pending.Mean / spec.BytesPerCore : double.NaN;
        var backlogReplicas = pending.IsOk ? (int)Math.Ceiling(idealCores / cores) : -1;

        var utilization = double.NaN;
        var slotReplicas = -1;
        if (slots.IsOk)
        {
            var capacity = spec.SlotsPerCore * cores * Math.Max(current, 1);
            utilization = slots.Value / capacity;
            var ratio = utilization / spec.TargetSlotUtilization;
            slotReplicas = current > 0 && Math.Abs(1 - ratio) <= spec.Tolerance
                ? current
                : (int)Math.Ceiling(Math.Max(current, 1) * ratio);
        }

        var burst = current > 0 && slotReplicas > current && backlogReplicas >= 0 && backlogReplicas <= current;
        if (burst)
        {
            slotReplicas = current;
        }

        var replicas = Math.Max(backlogReplicas, slotReplicas);
        var writesStopped = stop.IsOk && stop.Value >= 1;
        if (writesStopped)
        {
            replicas = Math.Max(replicas, spec.EmergencyStep.Apply(Math.Max(current, 1)));
        }

        if (replicas < 0)
        {
            return new Proposal
            {
                Policy = Name,
                Kind = ProposalKind.Abstain,
                MetricsMissing = true,
                Signal = missing,
                InvalidSamples = invalid,
                Template = Missing,
            };
        }

        return new Proposal
        {
            Policy = Name,
            Kind = ProposalKind.Replicas,
            Replicas = replicas,
            VetoScaleDown = writesStopped,
            MetricsMissing = missing is not null,
            Signal = missing ?? (invalid > 0 ? Signal.CompactionPendingBytes : null),
            InvalidSamples = invalid,
            Template = writesStopped ? WriteStop : burst ? Burst : Sized,
            Numbers = new Numbers(pending.IsOk ? pending.Mean : double.NaN, idealCores, backlogReplicas, utilization, slotReplicas, replicas),
        };
    }
}
