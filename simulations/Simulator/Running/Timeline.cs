using RwAutoscaler.Simulator.Model;

namespace RwAutoscaler.Simulator.Running;

/// <summary>The series a report draws, one value per step (floats: a month of 15 s steps stays a few MB).</summary>
internal sealed class Timeline
{
    public Timeline(TimeSpan step, int capacity)
    {
        Step = step;
        Ingest = new float[capacity];
        Capacity = new float[capacity];
        ComputePods = new float[capacity];
        ComputeReady = new float[capacity];
        CompactorPods = new float[capacity];
        LagSeconds = new float[capacity];
        BarrierLatency = new float[capacity];
    }

    public TimeSpan Step { get; }

    public int Count { get; private set; }

    public float[] Ingest { get; }

    public float[] Capacity { get; }

    public float[] ComputePods { get; }

    public float[] ComputeReady { get; }

    public float[] CompactorPods { get; }

    public float[] LagSeconds { get; }

    public float[] BarrierLatency { get; }

    public void Add(in ModelSample sample)
    {
        var i = Count++;
        Ingest[i] = (float)sample.IngestRate;
        Capacity[i] = (float)sample.Capacity;
        ComputePods[i] = sample.ComputePods;
        ComputeReady[i] = sample.ComputeReady;
        CompactorPods[i] = sample.CompactorPods;
        LagSeconds[i] = (float)sample.LagSeconds;
        BarrierLatency[i] = (float)sample.BarrierLatency;
    }
}
