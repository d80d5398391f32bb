namespace RwAutoscaler.Simulator.Workloads;

/// <summary>
/// Synthetic load patterns of the DEBS'24 autoscaler study (delftdata/espa-autoscaling LoadPattern/*.java,
/// calibration §2.3) and DS2's square wave (calibration §2.1). Rates are events/s; <see cref="Noise"/> adds
/// uniform noise of +-Noise events/s as espa's cosine does (+-10k). Seeded, so runs repeat exactly.
/// </summary>
internal abstract record SyntheticWorkload
{
    public required TimeSpan Duration { get; init; }

    public ulong Seed { get; init; } = 1;

    public double Noise { get; init; }

    public abstract string Pattern { get; }

    public Trace Generate(TimeSpan step)
    {
        var count = (int)Math.Floor(Duration / step);
        var values = new double[count];
        var rng = new Rng(Seed);
        Fill(values, step.TotalSeconds, rng);
        for (var i = 0; i < values.Length; i++)
        {
            var noisy = Noise > 0 ? values[i] + rng.Uniform(-Noise, Noise) : values[i];
            values[i] = Math.Max(0, noisy);
        }

        return new Trace($"synthetic {Pattern}", step, values);
    }

    /// <summary>Writes the noise-free rate of each step; <paramref name="dt"/> is the step in seconds.</summary>
    protected abstract void Fill(double[] values, double dt, Rng rng);
}

/// <summary>Square wave through the levels, each held for <see cref="Hold"/> (DS2's DynamicRateSourceFunction).</summary>
internal sealed record StepWorkload : SyntheticWorkload
{
    public required IReadOnlyList<double> Levels { get; init; }

    public required TimeSpan Hold { get; init; }

    public override string Pattern => "step";

    protected override void Fill(double[] values, double dt, Rng rng)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var level = (int)Math.Floor(i * dt / Hold.TotalSeconds) % Levels.Count;
            values[i] = Levels[level];
        }
    }
}

/// <summary>Linear from <see cref="From"/> to <see cref="To"/> over the duration (espa's increasing/decreasing).</summary>
internal sealed record RampWorkload : SyntheticWorkload
{
    public required double From { get; init; }

    public required double To { get; init; }

    public override string Pattern => "ramp";

    protected override void Fill(double[] values, double dt, Rng rng)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = From + ((To - From) * i / Math.Max(1, values.Length - 1));
        }
    }
}

/// <summary>Cosine around <see cref="Mean"/> (espa's cosine: period 60 min, e.g. mean 150k, divergence 100k for Q1).</summary>
internal sealed record SineWorkload : SyntheticWorkload
{
    public required double Mean { get; init; }

    public required double Amplitude { get; init; }

    public TimeSpan Period { get; init; } = TimeSpan.FromMinutes(60);

    public override string Pattern => "sine";

    protected override void Fill(double[] values, double dt, Rng rng)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Mean - (Amplitude * Math.Cos(2 * Math.PI * i * dt / Period.TotalSeconds));
        }
    }
}

/// <summary>A base rate with spikes of <see cref="Height"/> lasting <see cref="Length"/>, on average every <see cref="Every"/>.</summary>
internal sealed record SpikesWorkload : SyntheticWorkload
{
    public required double Base { get; init; }

    public required double Height { get; init; }

    public required TimeSpan Every { get; init; }

    public TimeSpan Length { get; init; } = TimeSpan.FromMinutes(5);

    public override string Pattern => "spikes";

    protected override void Fill(double[] values, double dt, Rng rng)
    {
        Array.Fill(values, Base);
        var t = rng.Exponential(Every.TotalSeconds);
        while (t < values.Length * dt)
        {
            var from = (int)(t / dt);
            var to = Math.Min(values.Length, (int)((t + Length.TotalSeconds) / dt));
            for (var i = from; i < to; i++)
            {
                values[i] = Height;
            }

            t += Length.TotalSeconds + rng.Exponential(Every.TotalSeconds);
        }
    }
}

/// <summary>A random walk: every <see cref="Interval"/> the rate moves by up to +-<see cref="Change"/> (espa: +-10k per minute).</summary>
internal sealed record RandomWalkWorkload : SyntheticWorkload
{
    public required double Start { get; init; }

    public required double Change { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    public double Min { get; init; }

    public double Max { get; init; } = double.PositiveInfinity;

    public override string Pattern => "random-walk";

    protected override void Fill(double[] values, double dt, Rng rng)
    {
        var rate = Start;
        var stepsPerMove = Math.Max(1, (int)Math.Round(Interval.TotalSeconds / dt));
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0 && i % stepsPerMove == 0)
            {
                rate = Math.Clamp(rate + rng.Uniform(-Change, Change), Min, Max);
            }

            values[i] = rate;
        }
    }
}
