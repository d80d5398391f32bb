namespace RwAutoscaler.Policies.Configuration;

/// <summary>
/// A neutral tree of a configuration document (YAML, JSON, or the JSON of a Kubernetes resource), with the
/// position of each node so that errors can point at the line. Line and column are 1-based; 0 means unknown.
/// </summary>
public abstract record ConfigNode(int Line, int Column)
{
    public abstract string Kind { get; }
}

public sealed record ConfigScalar(string Value, bool IsNull, int Line = 0, int Column = 0) : ConfigNode(Line, Column)
{
    public override string Kind => IsNull ? "null" : "a scalar";
}

public sealed record ConfigMap(IReadOnlyList<KeyValuePair<string, ConfigNode>> Entries, int Line = 0, int Column = 0)
    : ConfigNode(Line, Column)
{
    public override string Kind => "a map";
}

public sealed record ConfigSeq(IReadOnlyList<ConfigNode> Items, int Line = 0, int Column = 0) : ConfigNode(Line, Column)
{
    public override string Kind => "a list";
}
