namespace RwAutoscaler.Policies.Model;

/// <summary>
/// A chronological window of samples. It is a view: hosts slice one growing buffer per signal so that
/// building an observation each tick copies nothing.
/// </summary>
public readonly struct SignalWindow
{
    private readonly ReadOnlyMemory<Sample> _samples;

    public SignalWindow(ReadOnlyMemory<Sample> samples) => _samples = samples;

    public static SignalWindow Empty => default;

    public ReadOnlySpan<Sample> Samples => _samples.Span;

    public ReadOnlyMemory<Sample> Memory => _samples;

    public int Count => _samples.Length;

    public bool IsEmpty => _samples.IsEmpty;

    public static implicit operator SignalWindow(Sample[] samples) => new(samples);
}
