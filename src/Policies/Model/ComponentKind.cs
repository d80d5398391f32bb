namespace RwAutoscaler.Policies.Model;

/// <summary>The RisingWave components the autoscaler sizes. Meta and frontend are left to people.</summary>
public enum ComponentKind
{
    Compute,
    Compactor,
}

/// <summary>Names as they appear in the upstream CRD (<c>spec.components.compute</c>) and in our files.</summary>
public static class ComponentKindNames
{
    public static string ToName(this ComponentKind kind) => kind switch
    {
        ComponentKind.Compute => "compute",
        ComponentKind.Compactor => "compactor",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool TryParse(string? name, out ComponentKind kind)
    {
        switch (name)
        {
            case "compute": kind = ComponentKind.Compute; return true;
            case "compactor": kind = ComponentKind.Compactor; return true;
            default: kind = default; return false;
        }
    }
}
