namespace RwAutoscaler.Simulator.Workloads;

/// <summary>A rate series with a fixed step: <see cref="Values"/>[i] is the rate (per second) over step i.</summary>
internal sealed class Trace
{
    public Trace(string name, TimeSpan step, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (step <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "the step must be positive");
        }

        Name = name;
        Step = step;
        Values = values;
    }

    public string Name { get; }

    public TimeSpan Step { get; }

    public double[] Values { get; }

    public TimeSpan Duration => Step * Values.Length;

    public double Peak => Values.Length == 0 ? 0 : Values.Max();

    public double Mean => Values.Length == 0 ? 0 : Values.Average();
}
