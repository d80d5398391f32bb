namespace RwAutoscaler.Policies.Model;

/// <summary>
/// One scalable unit: a component and one of its node groups. The upstream default group is named "".
/// </summary>
public readonly record struct ComponentKey(ComponentKind Kind, string Group)
{
    public static ComponentKey Compute { get; } = new(ComponentKind.Compute, "");
    public static ComponentKey Compactor { get; } = new(ComponentKind.Compactor, "");

    /// <summary><c>compute</c> for the default group, <c>compute/spot</c> for a named one.</summary>
    public override string ToString() => Group.Length == 0 ? Kind.ToName() : $"{Kind.ToName()}/{Group}";
}
