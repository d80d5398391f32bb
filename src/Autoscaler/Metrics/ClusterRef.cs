namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>A RisingWave cluster: the namespace and name of its RisingWave resource.</summary>
internal readonly record struct ClusterRef(string Namespace, string Name) : IComparable<ClusterRef>
{
    /// <summary><c>namespace/name</c>, the engine's cluster name.</summary>
    public override string ToString() => $"{Namespace}/{Name}";

    public int CompareTo(ClusterRef other)
    {
        var byNamespace = string.CompareOrdinal(Namespace, other.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(Name, other.Name);
    }
}
