using System.Collections.Concurrent;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>The resources served, keyed by group/version/plural; custom resources are added at run time.</summary>
internal sealed class ResourceRegistry
{
    private readonly ConcurrentDictionary<(string Group, string Version, string Plural), ResourceDefinition> byPath = new();

    public ResourceRegistry()
    {
        foreach (var def in BuiltinResources.All)
        {
            Add(def);
        }
    }

    public IEnumerable<ResourceDefinition> All => byPath.Values.OrderBy(d => d.Group, StringComparer.Ordinal).ThenBy(d => d.Plural, StringComparer.Ordinal);

    public void Add(ResourceDefinition def) => byPath[(def.Group, def.Version, def.Plural)] = def;

    public bool Remove(string group, string version, string plural) => byPath.TryRemove((group, version, plural), out _);

    public ResourceDefinition? Find(string group, string version, string plural) =>
        byPath.TryGetValue((group, version, plural), out var def) ? def : null;

    public ResourceDefinition? FindKind(string apiVersion, string kind) =>
        byPath.Values.FirstOrDefault(d => d.ApiVersion == apiVersion && d.Kind == kind);

    public bool ServesGroupVersion(string group, string version) => byPath.Keys.Any(k => k.Group == group && k.Version == version);

    public static ResourceDefinition FromCustom(CustomResourceDefinition crd)
    {
        ArgumentNullException.ThrowIfNull(crd);
        if (crd.Scale is { } scale)
        {
            if (!scale.SpecReplicasPath.StartsWith(".spec.", StringComparison.Ordinal))
            {
                throw new ArgumentException($"scale.specReplicasPath must be under .spec, got '{scale.SpecReplicasPath}'", nameof(crd));
            }
            if (!scale.StatusReplicasPath.StartsWith(".status.", StringComparison.Ordinal))
            {
                throw new ArgumentException($"scale.statusReplicasPath must be under .status, got '{scale.StatusReplicasPath}'", nameof(crd));
            }
        }
        var columns = new List<TableColumn> { BuiltinResources.Name };
        columns.AddRange(crd.PrinterColumns.Select(c => new TableColumn(
            c.Name, c.Type == "date" ? "string" : c.Type, (o, now) => Tables.CellAt(o, c, now), Priority: c.Priority)));
        if (!crd.PrinterColumns.Any(c => string.Equals(c.Name, "Age", StringComparison.OrdinalIgnoreCase)))
        {
            columns.Add(BuiltinResources.Age);
        }
        return new ResourceDefinition
        {
            Group = crd.Group,
            Version = crd.Version,
            Kind = crd.Kind,
            Plural = crd.Plural,
            ShortNames = crd.ShortNames,
            Categories = crd.Categories,
            Namespaced = crd.Namespaced,
            IsCustom = true,
            StatusSubresource = crd.StatusSubresource,
            Scale = crd.Scale,
            TracksGeneration = true,
            Columns = columns,
            Schema = crd.Schema,
        };
    }
}
