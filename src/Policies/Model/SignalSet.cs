namespace RwAutoscaler.Policies.Model;

/// <summary>The windows of every signal for one component. Signals the host could not fetch are empty.</summary>
public sealed class SignalSet
{
    private readonly SignalWindow[] _windows;

    private SignalSet(SignalWindow[] windows) => _windows = windows;

    public static SignalSet Empty { get; } = new(new SignalWindow[SignalNames.Count]);

    public SignalWindow this[Signal signal] => _windows[(int)signal];

    public SignalSet With(Signal signal, SignalWindow window)
    {
        var copy = (SignalWindow[])_windows.Clone();
        copy[(int)signal] = window;
        return new SignalSet(copy);
    }

    public static SignalSet From(IEnumerable<KeyValuePair<Signal, SignalWindow>> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var array = new SignalWindow[SignalNames.Count];
        foreach (var (signal, window) in windows)
        {
            array[(int)signal] = window;
        }

        return new SignalSet(array);
    }

    /// <summary>Hands the windows to a host that refills them in place each step (the simulator).</summary>
    public static SignalSet Wrap(SignalWindow[] windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Length != SignalNames.Count)
        {
            throw new ArgumentException($"expected {SignalNames.Count} windows, got {windows.Length}", nameof(windows));
        }

        return new SignalSet(windows);
    }
}
