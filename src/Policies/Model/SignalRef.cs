namespace RwAutoscaler.Policies.Model;

/// <summary>
/// A signal by name: one of the catalogue's (<see cref="Signal"/>), or a custom one that the spec defines under
/// <c>signals</c> with its own PromQL. Policies that read either hold a reference; the observation resolves it.
/// </summary>
public readonly record struct SignalRef
{
    private SignalRef(Signal? builtIn, string name)
    {
        BuiltIn = builtIn;
        Name = name;
    }

    /// <summary>The catalogue signal, or null for a custom one.</summary>
    public Signal? BuiltIn { get; }

    public string Name { get; }

    public bool IsCustom => BuiltIn is null;

    public static SignalRef Custom(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return SignalNames.TryParse(name, out var signal) ? signal : new SignalRef(null, name);
    }

    public static implicit operator SignalRef(Signal signal) => new(signal, signal.ToName());

    public override string ToString() => Name;
}

/// <summary>The window of a custom signal, with its unit as the spec gives it.</summary>
public readonly record struct CustomWindow(string Name, string Unit, SignalWindow Window);
