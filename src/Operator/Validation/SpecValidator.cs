using System.Globalization;
using System.Text.RegularExpressions;
using RwAutoscaler.Operator.Factory;
using RwAutoscaler.Operator.Resources;

namespace RwAutoscaler.Operator.Validation;

/// <summary>One thing wrong with a spec: the field, in the API server's path notation, and what was expected.</summary>
internal sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>
/// What the operator checks before it touches anything: the rules of the upstream schema and validating
/// webhook that would make it build broken objects. A spec that fails is not acted on at all.
/// </summary>
internal static partial class SpecValidator
{
    public static IReadOnlyList<FieldError> Validate(RisingWave risingWave)
    {
        ArgumentNullException.ThrowIfNull(risingWave);
        var errors = new List<FieldError>();
        var spec = risingWave.Spec;
        if (spec is null)
        {
            errors.Add(new("spec", "Required value: a RisingWave needs a spec with at least spec.image"));
            return errors;
        }

        if (string.IsNullOrWhiteSpace(spec.Image))
        {
            errors.Add(new("spec.image", "Required value: the RisingWave image, e.g. risingwavelabs/risingwave:v3.0.3"));
        }

        if (spec.FrontendServiceType is { } serviceType && serviceType is not ("ClusterIP" or "NodePort" or "LoadBalancer"))
        {
            errors.Add(new("spec.frontendServiceType", $"Unsupported value: \"{serviceType}\": supported values: \"ClusterIP\", \"NodePort\", \"LoadBalancer\""));
        }

        foreach (var component in ComponentKind.All)
        {
            ValidateGroups(risingWave.Metadata.Name ?? "", component, component.Groups(spec), errors);
        }

        var metaReplicas = ComponentKind.Meta.Groups(spec).Sum(g => Math.Max(g.Replicas ?? 0, 0));
        if (metaReplicas > 1 && StoreEnvironment.MetaStoreBackend(spec.MetaStore) == "Memory")
        {
            errors.Add(new("spec.components.meta.nodeGroups", $"Invalid value: {metaReplicas}: a memory meta store allows at most 1 meta replica in total"));
        }

        return errors;
    }

    private static void ValidateGroups(string risingWave, ComponentKind component, IReadOnlyList<RisingWaveNodeGroup> groups, List<FieldError> errors)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < groups.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"spec.components.{component.Name}.nodeGroups[{i}]");
            var group = groups[i];
            var name = group.Name;
            if (name is null)
            {
                errors.Add(new($"{path}.name", "Required value: the group name (\"\" for the default group)"));
            }
            else if (name.Length > 253 || !GroupName().IsMatch(name))
            {
                errors.Add(new($"{path}.name", $"Invalid value: \"{name}\": a group name is empty or a lowercase RFC 1123 subdomain (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)"));
            }
            else if (!seen.TryAdd(name, i))
            {
                errors.Add(new($"{path}.name", $"Duplicate value: \"{name}\": {component.Name} group \"{name}\" is already defined at nodeGroups[{seen[name]}]"));
            }
            else if (RisingWaveNames.Workload(risingWave, component, name).Length > 253)
            {
                errors.Add(new($"{path}.name", $"Invalid value: \"{name}\": the workload name {RisingWaveNames.Workload(risingWave, component, name)} would exceed 253 characters"));
            }

            if (group.Replicas is < 0)
            {
                errors.Add(new($"{path}.replicas", $"Invalid value: {group.Replicas}: must be greater than or equal to 0"));
            }

            ValidateQuantities($"{path}.template.spec.resources.limits", group.Template?.Spec?.Resources?.Limits, errors);
            ValidateQuantities($"{path}.template.spec.resources.requests", group.Template?.Spec?.Resources?.Requests, errors);
        }
    }

    private static void ValidateQuantities(string path, IReadOnlyDictionary<string, Quantity>? amounts, List<FieldError> errors)
    {
        foreach (var (resource, amount) in amounts ?? new Dictionary<string, Quantity>())
        {
            if (!amount.TryGetValue(out _))
            {
                errors.Add(new($"{path}.{resource}", $"Invalid value: \"{amount.Text}\": must be a quantity such as 500m, 2, 2Gi or 1e3"));
            }
        }
    }

    [GeneratedRegex(RisingWaveNodeGroup.NamePattern)]
    private static partial Regex GroupName();
}
