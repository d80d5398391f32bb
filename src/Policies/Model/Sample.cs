namespace RwAutoscaler.Policies.Model;

/// <summary>One timestamped value of a signal.</summary>
public readonly record struct Sample(DateTimeOffset Time, double Value)
{
    /// <summary>NaN, infinite and negative values come from broken scrapes or counter resets: never usable.</summary>
    public bool IsUsable => double.IsFinite(Value) && Value >= 0;
}
