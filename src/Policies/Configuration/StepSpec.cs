namespace RwAutoscaler.Policies.Configuration;

/// <summary>A step up by a number of pods or a percentage (rounded up, at least one pod).</summary>
public sealed record StepSpec(RatePolicyType Type, int Value)
{
    public int Apply(int current) => Type switch
    {
        RatePolicyType.Pods => current + Value,
        _ => Math.Max(current + 1, (int)Math.Ceiling(current * (1 + (Value / 100.0)))),
    };

    public override string ToString() => Type == RatePolicyType.Pods ? $"+{Value} pods" : $"+{Value}%";

    public static StepSpec Read(ConfigMapReader parent, string key, StepSpec fallback)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(fallback);
        if (parent.Map(key) is not { } map)
        {
            return fallback;
        }

        var type = map.Choice("type", fallback.Type, ("Pods", RatePolicyType.Pods), ("Percent", RatePolicyType.Percent));
        var value = map.Integer("value", fallback.Value, 1, 10_000);
        map.Done();
        return new StepSpec(type, value);
    }
}
