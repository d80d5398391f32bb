namespace RwAutoscaler.Simulator.Workloads;

/// <summary>
/// Turns a trace into an ingest rate for a scenario: cut a slice, compress time, resample to the simulation step,
/// rescale to a target peak (the Daedalus authors' method, calibration §1.4).
/// </summary>
internal static class TraceShaping
{
    /// <summary>The part of the trace from <paramref name="from"/> lasting <paramref name="length"/> (trace time).</summary>
    public static Trace Slice(Trace trace, TimeSpan from, TimeSpan? length)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var start = (int)Math.Min(trace.Values.Length, Math.Round(from / trace.Step));
        var count = length is { } l ? (int)Math.Min(trace.Values.Length - start, Math.Round(l / trace.Step)) : trace.Values.Length - start;
        return new Trace(trace.Name, trace.Step, trace.Values.AsSpan(start, Math.Max(0, count)).ToArray());
    }

    /// <summary>Plays the trace <paramref name="factor"/> times faster: the rates stay, the time shrinks.</summary>
    public static Trace Compress(Trace trace, double factor)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return factor == 1 ? trace : new Trace(trace.Name, TimeSpan.FromTicks((long)Math.Round(trace.Step.Ticks / factor)), trace.Values);
    }

    /// <summary>
    /// Onto a new step: a coarser trace is interpolated linearly between the centres of its buckets, a finer
    /// one is averaged over each new step (so bursts keep their volume).
    /// </summary>
    public static Trace Resample(Trace trace, TimeSpan step)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var source = trace.Values;
        var s = trace.Step.TotalSeconds;
        var d = step.TotalSeconds;
        var count = (int)Math.Floor(trace.Duration.TotalSeconds / d + 1e-9);
        var result = new double[count];
        if (source.Length == 0)
        {
            return new Trace(trace.Name, step, result);
        }

        if (s >= d)
        {
            for (var j = 0; j < count; j++)
            {
                var x = (((j + 0.5) * d) / s) - 0.5;
                var i = (int)Math.Floor(x);
                var fraction = x - i;
                var a = source[Math.Clamp(i, 0, source.Length - 1)];
                var b = source[Math.Clamp(i + 1, 0, source.Length - 1)];
                result[j] = a + ((b - a) * fraction);
            }
        }
        else
        {
            for (var j = 0; j < count; j++)
            {
                double begin = j * d, end = (j + 1) * d, sum = 0;
                for (var i = (int)Math.Floor(begin / s); i < source.Length && i * s < end; i++)
                {
                    var overlap = Math.Min(end, (i + 1) * s) - Math.Max(begin, i * s);
                    sum += source[i] * Math.Max(0, overlap);
                }

                result[j] = sum / d;
            }
        }

        return new Trace(trace.Name, step, result);
    }

    public static Trace Scale(Trace trace, double factor)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var values = new double[trace.Values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = trace.Values[i] * factor;
        }

        return new Trace(trace.Name, trace.Step, values);
    }

    /// <summary>Rescales so the largest value is <paramref name="peak"/>.</summary>
    public static Trace ToPeak(Trace trace, double peak)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var max = trace.Peak;
        return max > 0 ? Scale(trace, peak / max) : trace;
    }
}
