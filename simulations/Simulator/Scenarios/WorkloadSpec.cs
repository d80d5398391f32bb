using RwAutoscaler.Simulator.Workloads;

namespace RwAutoscaler.Simulator.Scenarios;

/// <summary>Where the ingest rate comes from: a trace file shaped for the scenario, or a synthetic pattern.</summary>
internal sealed record WorkloadSpec
{
    /// <summary>A trace file (absolute, or resolved against the scenario's folder).</summary>
    public string? Trace { get; init; }

    public TraceFormat Format { get; init; } = TraceFormat.Auto;

    /// <summary>Where in the trace to start, in trace time.</summary>
    public TimeSpan From { get; init; }

    /// <summary>How much of the trace to use, in trace time; null uses the rest.</summary>
    public TimeSpan? Length { get; init; }

    /// <summary>Trace seconds per simulated second (calibration §1.4 compresses 30 min to 30 s: 60).</summary>
    public double Compress { get; init; } = 1;

    /// <summary>Rescale so the largest simulated rate is this many events/s.</summary>
    public double? Peak { get; init; }

    /// <summary>Or multiply the trace's rate per second by this.</summary>
    public double? Scale { get; init; }

    public SyntheticWorkload? Synthetic { get; init; }

    /// <summary>The ingest rate per simulated step.</summary>
    public Trace Build(TimeSpan step, Func<string, string> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        Trace shaped;
        if (Synthetic is not null)
        {
            shaped = Synthetic.Generate(step);
        }
        else
        {
            var raw = TraceReader.ReadFile(resolve(Trace!), Format);
            var slice = TraceShaping.Slice(raw, From, Length);
            shaped = TraceShaping.Resample(TraceShaping.Compress(slice, Compress), step);
        }

        if (Peak is { } peak)
        {
            return TraceShaping.ToPeak(shaped, peak);
        }

        return Scale is { } scale ? TraceShaping.Scale(shaped, scale) : shaped;
    }

    /// <summary>The same shaping applied to another file: keeps the compression and the peak (a synthetic pattern's peak).</summary>
    public WorkloadSpec WithTrace(string path, TimeSpan step)
    {
        var peak = Peak ?? (Synthetic is not null ? Synthetic.Generate(step).Peak : null);
        return new WorkloadSpec
        {
            Trace = Path.GetFullPath(path),
            Format = TraceFormat.Auto,
            Compress = Synthetic is null ? Compress : 1,
            Peak = peak,
            Scale = peak is null ? Scale : null,
        };
    }

    public string Describe()
    {
        if (Synthetic is not null)
        {
            return $"synthetic {Synthetic.Pattern}";
        }

        var file = Path.GetFileName(Trace ?? "");
        return Compress == 1 ? file : $"{file} compressed {Compress:0.##}x";
    }
}
