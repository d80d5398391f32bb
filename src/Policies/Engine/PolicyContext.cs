using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Engine;

/// <summary>Everything a policy may look at for one component at one instant.</summary>
public readonly struct PolicyContext
{
    public PolicyContext(ComponentObservation component, DateTimeOffset now, TimeSpan staleAfter, ScalingHistory history)
    {
        Component = component;
        Now = now;
        StaleAfter = staleAfter;
        History = history;
    }

    public ComponentObservation Component { get; }

    /// <summary><c>namespace/name</c> of the RisingWave (its observation's cluster).</summary>
    public string Cluster { get; init; } = "";

    /// <summary>The component's maxReplicas in the spec (a proposal above it is clamped; an external one is refused).</summary>
    public int MaxReplicas { get; init; } = int.MaxValue;

    public ComponentKey Key => Component.Key;

    public DateTimeOffset Now { get; }

    public TimeSpan StaleAfter { get; }

    public ScalingHistory History { get; }

    /// <summary>The replicas the resource asks for now: the base every proposal is relative to.</summary>
    public int Current => Component.TargetReplicas;

    public SignalWindow this[Signal signal] => Component.Signals[signal];

    public SignalWindow this[SignalRef signal] => Component.Signals[signal];

    /// <summary>The newest entry of this component in the history, or null.</summary>
    public HistoryEntry? LastEntry
    {
        get
        {
            var entries = History.Entries;
            for (var i = entries.Length - 1; i >= 0; i--)
            {
                if (entries[i].Component == Component.Key)
                {
                    return entries[i];
                }
            }

            return null;
        }
    }

    public HistoryEntry? LastAction => History.LastAction(Component.Key);

    public SignalReading Latest(Signal signal) => SignalReader.Latest(Component.Signals[signal], Now, StaleAfter);

    public WindowReading Window(Signal signal, DateTimeOffset from) =>
        SignalReader.Window(Component.Signals[signal], from, Now, StaleAfter);

    /// <summary>The newest usable value of a catalogue or custom signal.</summary>
    public SignalReading Latest(SignalRef signal) => SignalReader.Latest(Component.Signals[signal], Now, StaleAfter);
}
