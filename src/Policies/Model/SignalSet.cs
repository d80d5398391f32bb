using System.Collections.Immutable;

namespace RwAutoscaler.Policies.Model;

/// <summary>
/// The windows of every signal for one component: the catalogue's, and the custom signals its spec defines. Signals
/// the host could not fetch are empty.
/// </summary>
public sealed class SignalSet
{
    private readonly SignalWindow[] _windows;

    private SignalSet(SignalWindow[] windows, ImmutableArray<CustomWindow> custom)
    {
        _windows = windows;
        CustomSignals = custom;
    }

    public static SignalSet Empty { get; } = new(new SignalWindow[SignalNames.Count], []);

    /// <summary>The custom signals, in the spec's order (a few at most: found by a linear search).</summary>
    public ImmutableArray<CustomWindow> CustomSignals { get; }

    public SignalWindow this[Signal signal] => _windows[(int)signal];

    public SignalWindow this[SignalRef signal]
    {
        get
        {
            if (signal.BuiltIn is { } builtIn)
            {
                return _windows[(int)builtIn];
            }

            foreach (var custom in CustomSignals)
            {
                if (custom.Name == signal.Name)
                {
                    return custom.Window;
                }
            }

            return SignalWindow.Empty;
        }
    }

    public SignalSet With(Signal signal, SignalWindow window)
    {
        var copy = (SignalWindow[])_windows.Clone();
        copy[(int)signal] = window;
        return new SignalSet(copy, CustomSignals);
    }

    /// <summary>The same catalogue windows with these custom ones.</summary>
    public SignalSet WithCustom(ImmutableArray<CustomWindow> custom) => new(_windows, custom.IsDefault ? [] : custom);

    public static SignalSet From(IEnumerable<KeyValuePair<Signal, SignalWindow>> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var array = new SignalWindow[SignalNames.Count];
        foreach (var (signal, window) in windows)
        {
            array[(int)signal] = window;
        }

        return new SignalSet(array, []);
    }

    /// <summary>Hands the windows to a host that refills them in place each step (the simulator).</summary>
    public static SignalSet Wrap(SignalWindow[] windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Length != SignalNames.Count)
        {
            throw new ArgumentException($"expected {SignalNames.Count} windows, got {windows.Length}", nameof(windows));
        }

        return new SignalSet(windows, []);
    }
}
