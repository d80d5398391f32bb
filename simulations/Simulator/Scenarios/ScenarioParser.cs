using System.Globalization;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Simulator.Model;
using RwAutoscaler.Simulator.Workloads;

namespace RwAutoscaler.Simulator.Scenarios;

/// <summary>
/// Reads scenario files. Errors name the file, the line and the field, all at once, e.g.
/// <c>nyc.yaml: line 14: model.compute.coresPerReplica: must be in (0, inf), got -2</c>. Unknown fields are errors.
/// </summary>
internal static class ScenarioParser
{
    private static readonly NumberRange Fraction = new(0, 1, MinOpen: true);

    public static Scenario ReadFile(string path)
    {
        var text = SpecFile.ReadText(path);
        return Parse(text, path);
    }

    /// <summary>Parses scenario YAML; <paramref name="path"/> names it in errors and anchors its relative paths.</summary>
    public static Scenario Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        var root = ConfigLoader.Parse(text, name);
        var errors = new SpecErrorList();
        var map = ConfigMapReader.Open(root, "", errors);
        if (map is null)
        {
            errors.ThrowIfAny(name);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var scenarioName = map!.OptionalString("name") ?? Path.GetFileNameWithoutExtension(path);
        var description = map.OptionalString("description") ?? "";
        var start = ReadTime(map, "start");
        var step = map.Duration("step", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        var workload = map.Map("workload") is { } w ? ReadWorkload(w, folder) : null;
        if (!map.Has("workload"))
        {
            errors.Add("workload", "is required: a trace file or a synthetic pattern", root);
        }

        var model = map.Map("model") is { } m ? ReadModel(m) : new ModelParameters();
        var slo = map.Map("slo") is { } s ? ReadSlo(s) : null;
        if (!map.Has("slo"))
        {
            errors.Add("slo", "is required: barrierLatency, lagSeconds or both", root);
        }

        var policy = map.OptionalString("policy");
        if (policy is not null && !File.Exists(Path.Combine(folder, policy)))
        {
            map.Fail("policy", map.Field("policy")!, $"file not found: {Path.GetFullPath(Path.Combine(folder, policy))}");
        }

        var compare = map.Field("compare") is { } c ? ReadNames(map, "compare", c) : [];
        double? keda = null;
        if (map.Map("baselines") is { } b)
        {
            keda = b.OptionalNumber("kedaLagThreshold", NumberRange.Positive);
            b.Done();
        }

        var window = map.Duration("signalWindow", TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(1), TimeSpan.FromDays(14));
        map.Done();
        errors.ThrowIfAny(name);
        return new Scenario
        {
            Name = scenarioName,
            Description = description,
            Source = Path.GetFullPath(path),
            Start = start ?? new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero),
            Step = step,
            Workload = workload!,
            Model = model,
            Slo = slo!,
            Policy = policy is null ? null : Path.GetFullPath(Path.Combine(folder, policy)),
            Compare = [.. compare],
            KedaLagThreshold = keda,
            SignalWindow = window,
        };
    }

    private static DateTimeOffset? ReadTime(ConfigMapReader map, string key)
    {
        var text = map.OptionalString(key);
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        map.Fail(key, map.Field(key)!, $"must be a time such as 2026-01-05T00:00:00Z, got '{text}'");
        return null;
    }

    private static List<string> ReadNames(ConfigMapReader map, string key, ConfigNode node)
    {
        var names = new List<string>();
        if (node is not ConfigSeq seq)
        {
            map.Fail(key, node, "must be a list such as [hpa, keda, flink, static]");
            return names;
        }

        foreach (var item in seq.Items)
        {
            if (item is ConfigScalar { IsNull: false } scalar)
            {
                names.Add(scalar.Value);
            }
            else
            {
                map.Fail(key, item, "every entry must be a baseline name or a policy file");
            }
        }

        return names;
    }

    private static WorkloadSpec? ReadWorkload(ConfigMapReader map, string folder)
    {
        var trace = map.OptionalString("trace");
        var synthetic = map.Map("synthetic") is { } s ? ReadSynthetic(s) : null;
        if ((trace is null) == !map.Has("synthetic"))
        {
            map.Errors.Add(map.Path, "must set exactly one of trace (a file) or synthetic (a pattern)", map.Node);
        }

        if (trace is not null && !File.Exists(Path.Combine(folder, trace)))
        {
            map.Fail("trace", map.Field("trace")!, $"file not found: {Path.GetFullPath(Path.Combine(folder, trace))}");
        }

        var format = map.Choice("format", TraceFormat.Auto, TraceFormatNames.All);
        var from = map.Duration("from", TimeSpan.Zero, TimeSpan.Zero);
        var length = map.OptionalDuration("length", TimeSpan.FromSeconds(1));
        var compress = map.Number("compress", 1, NumberRange.Positive);
        var peak = map.OptionalNumber("peak", NumberRange.Positive);
        var scale = map.OptionalNumber("scale", NumberRange.Positive);
        if (peak is not null && scale is not null)
        {
            map.Fail("scale", map.Field("scale")!, "set peak or scale, not both");
        }

        if (trace is not null && peak is null && scale is null)
        {
            map.Errors.Add(map.PathOf("peak"), "is required for a trace (events/s at the busiest step), or set scale", map.Node);
        }

        map.Done();
        return new WorkloadSpec
        {
            Trace = trace is null ? null : Path.GetFullPath(Path.Combine(folder, trace)),
            Format = format,
            From = from,
            Length = length,
            Compress = compress,
            Peak = peak,
            Scale = scale,
            Synthetic = synthetic,
        };
    }

    private static SyntheticWorkload? ReadSynthetic(ConfigMapReader map)
    {
        var pattern = map.OptionalString("pattern");
        var duration = map.OptionalDuration("duration", TimeSpan.FromMinutes(1), TimeSpan.FromDays(400));
        var seed = (ulong)map.Integer("seed", 1, 0);
        var noise = map.Number("noise", 0, NumberRange.NonNegative);
        if (duration is null)
        {
            map.Errors.Add(map.PathOf("duration"), "is required: how long the pattern runs, e.g. 6h", map.Node);
        }

        SyntheticWorkload? workload;
        switch (pattern)
        {
            case "step":
                var levels = ReadLevels(map);
                var hold = map.Duration("hold", TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(1));
                workload = levels is null ? null : new StepWorkload { Duration = default, Levels = levels, Hold = hold };
                break;
            case "ramp":
                workload = Required(map, "from") is { } from && Required(map, "to") is { } to
                    ? new RampWorkload { Duration = default, From = from, To = to }
                    : null;
                break;
            case "sine":
                var mean = Required(map, "mean");
                var amplitude = Required(map, "amplitude");
                var period = map.Duration("period", TimeSpan.FromMinutes(60), TimeSpan.FromSeconds(1));
                workload = mean is null || amplitude is null ? null : new SineWorkload { Duration = default, Mean = mean.Value, Amplitude = amplitude.Value, Period = period };
                break;
            case "spikes":
                var baseRate = Required(map, "base");
                var height = Required(map, "height");
                var every = map.Duration("every", TimeSpan.FromHours(1), TimeSpan.FromSeconds(1));
                var spikeLength = map.Duration("length", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1));
                workload = baseRate is null || height is null ? null
                    : new SpikesWorkload { Duration = default, Base = baseRate.Value, Height = height.Value, Every = every, Length = spikeLength };
                break;
            case "random-walk":
                var startRate = Required(map, "start");
                var change = Required(map, "change");
                var interval = map.Duration("interval", TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
                var min = map.Number("min", 0, NumberRange.NonNegative);
                var max = map.Number("max", double.MaxValue, NumberRange.Positive);
                workload = startRate is null || change is null ? null
                    : new RandomWalkWorkload { Duration = default, Start = startRate.Value, Change = change.Value, Interval = interval, Min = min, Max = max };
                break;
            default:
                map.Errors.Add(map.PathOf("pattern"), $"must be one of step, ramp, sine, spikes, random-walk, got '{pattern}'", map.Field("pattern") ?? map.Node);
                workload = null;
                break;
        }

        map.Done();
        return workload is null || duration is null ? null : workload with { Duration = duration.Value, Seed = seed, Noise = noise };
    }

    private static double? Required(ConfigMapReader map, string key)
    {
        if (!map.Has(key))
        {
            map.Field(key);
            map.Errors.Add(map.PathOf(key), "is required: a rate in events/s", map.Node);
            return null;
        }

        return map.OptionalNumber(key, NumberRange.NonNegative);
    }

    private static List<double>? ReadLevels(ConfigMapReader map)
    {
        if (map.Field("levels") is not ConfigSeq { Items.Count: > 0 } seq)
        {
            map.Errors.Add(map.PathOf("levels"), "is required: a list of rates in events/s, e.g. [100000, 300000]", map.Field("levels") ?? map.Node);
            return null;
        }

        var levels = new List<double>();
        for (var i = 0; i < seq.Items.Count; i++)
        {
            if (seq.Items[i] is ConfigScalar scalar && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                levels.Add(value);
            }
            else
            {
                map.Errors.Add($"{map.PathOf("levels")}[{i}]", "must be a rate in events/s (a number >= 0)", seq.Items[i]);
            }
        }

        return levels.Count == seq.Items.Count ? levels : null;
    }

    private static SloSpec? ReadSlo(ConfigMapReader map)
    {
        var latency = map.OptionalDuration("barrierLatency", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        var lag = map.OptionalDuration("lagSeconds", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        if (latency is null && lag is null && !map.Errors.HasErrors)
        {
            map.Errors.Add(map.Path, "must set barrierLatency, lagSeconds or both", map.Node);
        }

        map.Done();
        return new SloSpec(latency, lag);
    }

    private static ModelParameters ReadModel(ConfigMapReader map)
    {
        var model = new ModelParameters();
        if (map.Map("compute") is { } c)
        {
            var d = model.Compute;
            model = model with
            {
                Compute = d with
                {
                    CoresPerReplica = c.Number("coresPerReplica", d.CoresPerReplica, NumberRange.Positive),
                    EventsPerCoreSecond = c.Number("eventsPerCoreSecond", d.EventsPerCoreSecond, NumberRange.Positive),
                    ScalingExponent = c.Number("scalingExponent", d.ScalingExponent, Fraction),
                    Partitions = c.Integer("partitions", d.Partitions, 1, 100_000),
                    EventsPerPartitionSecond = c.Number("eventsPerPartitionSecond", d.EventsPerPartitionSecond, NumberRange.Positive),
                    Fragments = c.Integer("fragments", d.Fragments, 1, 10_000),
                    MaxParallelism = c.Integer("maxParallelism", d.MaxParallelism, 1, 32_768),
                    IdleCpu = c.Number("idleCpu", d.IdleCpu, new NumberRange(0, 1, MaxOpen: true)),
                    InitialReplicas = c.OptionalInteger("initialReplicas", 0, 10_000),
                    MaxReplicas = c.Integer("maxReplicas", d.MaxReplicas, 1, 10_000),
                },
            };
            c.Done();
        }

        if (map.Map("rescale") is { } r)
        {
            var d = model.Rescale;
            var day = TimeSpan.FromDays(1);
            model = model with
            {
                Rescale = d with
                {
                    PodStartDelay = r.Duration("podStartDelay", d.PodStartDelay, TimeSpan.Zero, day),
                    RescheduleTick = r.Duration("rescheduleTick", d.RescheduleTick, TimeSpan.Zero, day),
                    ReschedulePauseBase = r.Duration("reschedulePauseBase", d.ReschedulePauseBase, TimeSpan.Zero, day),
                    PausePerActor = r.Duration("pausePerActor", d.PausePerActor, TimeSpan.Zero, TimeSpan.FromMinutes(1)),
                    RecoveryTime = r.Duration("recoveryTime", d.RecoveryTime, TimeSpan.Zero, day),
                    WarmupDuration = r.Duration("warmupDuration", d.WarmupDuration, TimeSpan.Zero, day),
                    WarmupInitialCapacity = r.Number("warmupInitialCapacity", d.WarmupInitialCapacity, Fraction),
                    CompactorStartDelay = r.Duration("compactorStartDelay", d.CompactorStartDelay, TimeSpan.Zero, day),
                    CompactorTaskLoss = r.Duration("compactorTaskLoss", d.CompactorTaskLoss, TimeSpan.Zero, day),
                },
            };
            r.Done();
        }

        if (map.Map("latency") is { } l)
        {
            var d = model.Latency;
            model = model with
            {
                Latency = d with
                {
                    BarrierInterval = l.Duration("barrierInterval", d.BarrierInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)),
                    IdleLatencyIntervals = l.Number("idleLatencyIntervals", d.IdleLatencyIntervals, NumberRange.Positive),
                    MaxQueueingUtilization = l.Number("maxQueueingUtilization", d.MaxQueueingUtilization, new NumberRange(0, 1, MinOpen: true, MaxOpen: true)),
                    MaxOverloadLatency = l.Duration("maxOverloadLatency", d.MaxOverloadLatency, TimeSpan.Zero, TimeSpan.FromDays(1)),
                    OverloadDrainRate = l.Number("overloadDrainRate", d.OverloadDrainRate, NumberRange.Positive),
                    LagRefreshInterval = l.Duration("lagRefreshInterval", d.LagRefreshInterval, TimeSpan.Zero, TimeSpan.FromHours(1)),
                },
            };
            l.Done();
        }

        if (map.Map("compactor") is { } k)
        {
            var d = model.Compactor;
            model = model with
            {
                Compactor = d with
                {
                    CoresPerReplica = k.Number("coresPerReplica", d.CoresPerReplica, NumberRange.Positive),
                    CoresPer100kEvents = k.Number("coresPer100kEvents", d.CoresPer100kEvents, NumberRange.NonNegative),
                    PendingBytesPerCore = k.Number("pendingBytesPerCore", d.PendingBytesPerCore, NumberRange.Positive),
                    BacklogSpread = k.Duration("backlogSpread", d.BacklogSpread, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
                    SlotsPerCore = k.Number("slotsPerCore", d.SlotsPerCore, NumberRange.Positive),
                    WriteStopBacklog = k.Duration("writeStopBacklog", d.WriteStopBacklog, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
                    WriteStopCapacity = k.Number("writeStopCapacity", d.WriteStopCapacity, NumberRange.Unit),
                    IdleCpu = k.Number("idleCpu", d.IdleCpu, new NumberRange(0, 1, MaxOpen: true)),
                    InitialReplicas = k.OptionalInteger("initialReplicas", 0, 10_000),
                    MaxReplicas = k.Integer("maxReplicas", d.MaxReplicas, 1, 10_000),
                },
            };
            k.Done();
        }

        map.Done();
        return model;
    }
}
