using System.Collections.Immutable;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Configuration;

/// <summary>
/// Reads and validates a policy spec. Every error names its path and the expected form, e.g.
/// <c>compute.policies[1].targetUtilization: must be in (0, 1], got 1.4</c>; all errors are reported at once.
/// </summary>
public static class SpecParser
{
    /// <summary>Parses YAML or JSON text. <paramref name="source"/> (usually the file name) prefixes errors.</summary>
    public static AutoscalingSpec Parse(string text, string source, PolicyRegistry? registry = null) =>
        Read(ConfigLoader.Parse(text, source), source, registry);

    public static AutoscalingSpec Read(ConfigNode root, string source, PolicyRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        registry ??= PolicyRegistry.BuiltIn;
        var errors = new SpecErrorList();
        var spec = ReadSpec(root, "", errors, registry);
        errors.ThrowIfAny(source);
        return spec!;
    }

    /// <summary>Reads the spec at <paramref name="path"/> into <paramref name="errors"/> (for documents that embed it).</summary>
    public static AutoscalingSpec? ReadSpec(ConfigNode root, string path, SpecErrorList errors, PolicyRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(registry);
        var map = ConfigMapReader.Open(root, path, errors);
        if (map is null)
        {
            return null;
        }

        var staleAfter = map.Duration("staleAfter", AutoscalingSpec.DefaultStaleAfter, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        var signals = ReadSignals(map);
        var defined = signals.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var components = ImmutableArray.CreateBuilder<ComponentSpec>();
        foreach (var kind in new[] { ComponentKind.Compute, ComponentKind.Compactor })
        {
            if (map.Map(kind.ToName()) is { } component && ReadComponent(component, kind, registry, defined) is { } spec)
            {
                components.Add(spec);
            }
        }

        if (!map.Has("compute") && !map.Has("compactor"))
        {
            errors.Add(path, "must configure at least one of compute, compactor", root);
        }

        map.Done();
        return new AutoscalingSpec { StaleAfter = staleAfter, Components = components.ToImmutable(), Signals = signals };
    }

    private static ImmutableArray<CustomSignalSpec> ReadSignals(ConfigMapReader map)
    {
        var signals = map.List("signals", (node, path) =>
        {
            var entry = ConfigMapReader.Open(node, path, map.Errors);
            if (entry is null)
            {
                return null;
            }

            var name = entry.OptionalString("name");
            var query = entry.OptionalString("query");
            var unit = entry.OptionalString("unit") ?? "";
            var ok = true;
            if (name is null)
            {
                map.Errors.Add(entry.PathOf("name"), "is required: the name policies read the signal by, e.g. sinkBacklog", node);
                ok = false;
            }
            else if (!CustomSignalSpec.IsName(name))
            {
                entry.Fail("name", entry.Field("name")!, $"must be a letter then letters and digits (at most 63), e.g. sinkBacklog, got '{name}'");
                ok = false;
            }
            else if (SignalNames.TryParse(name, out _))
            {
                entry.Fail("name", entry.Field("name")!, $"'{name}' is a catalogue signal already; give the custom signal another name");
                ok = false;
            }

            if (string.IsNullOrWhiteSpace(query))
            {
                map.Errors.Add(entry.PathOf("query"), "is required: a PromQL expression with one series per cluster, e.g. "
                    + "sum by (namespace, risingwave_name) (my_metric{namespace=~\"{{namespace}}\", risingwave_name=~\"{{name}}\"})", node);
                ok = false;
            }

            entry.Done();
            return ok ? new CustomSignalSpec(name!, query!.Trim(), unit) : null;
        });

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var signal in signals)
        {
            if (!seen.Add(signal.Name))
            {
                map.Errors.Add(map.PathOf("signals"), $"two signals are named '{signal.Name}'", map.Field("signals"));
            }
        }

        return signals;
    }

    private static ComponentSpec? ReadComponent(ConfigMapReader map, ComponentKind kind, PolicyRegistry registry, HashSet<string> signals)
    {
        var group = map.OptionalString("group") ?? "";
        if (group.Length > 0 && !IsDnsSubdomain(group))
        {
            map.Fail("group", map.Field("group")!, $"must be a node group name (lowercase letters, digits, '-' and '.'), got '{group}'");
        }

        var min = map.Integer("minReplicas", 1, 0, 10_000);
        var max = map.RequiredInteger("maxReplicas", 1, 10_000);
        if (max is { } m && min > m)
        {
            map.Fail("minReplicas", map.Field("minReplicas") ?? map.Node, $"must not exceed maxReplicas ({m}), got {min}");
        }

        var combine = map.Choice("combine", Combine.Max, ("max", Combine.Max), ("min", Combine.Min), ("priority", Combine.Priority));
        var policies = map.List("policies", (node, path) => ReadPolicy(node, path, map.Errors, kind, registry));
        if (policies.IsEmpty && !map.Errors.HasErrors)
        {
            map.Errors.Add(map.PathOf("policies"), $"must list at least one policy (types: {string.Join(", ", registry.Types)})", map.Node);
        }

        // Indexes match the list's items only when every item was read; otherwise those items' errors come first anyway.
        var items = map.Field("policies") is ConfigSeq seq && seq.Items.Count == policies.Length ? seq.Items : null;
        for (var i = 0; i < policies.Length; i++)
        {
            foreach (var signal in policies[i].SignalsRead.Where(s => s.IsCustom && !signals.Contains(s.Name)).Distinct())
            {
                map.Errors.Add($"{map.PathOf("policies")}[{i}]", $"reads signal '{signal.Name}', which is neither a catalogue signal "
                    + $"({string.Join(", ", SignalNames.All)}) nor defined under signals{(signals.Count == 0 ? "" : $" ({string.Join(", ", signals.Order(StringComparer.Ordinal))})")}",
                    items?[i] ?? map.Node);
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            if (!names.Add(policy.DisplayName))
            {
                map.Errors.Add(map.PathOf("policies"), $"two policies are named '{policy.DisplayName}'; give one a distinct 'name'", map.Node);
            }
        }

        var behavior = ReadBehavior(map.Map("behavior"));
        var cooldown = ReadCooldown(map.Map("cooldown"));
        int? fallback = null;
        if (map.Map("fallback") is { } fallbackMap)
        {
            fallback = fallbackMap.RequiredInteger("replicas", 0, 10_000);
            fallbackMap.Done();
        }

        var hold = map.Boolean("holdDuringRescale", true);
        map.Done();
        return max is null
            ? null
            : new ComponentSpec
            {
                Kind = kind,
                Group = group,
                MinReplicas = min,
                MaxReplicas = max.Value,
                Combine = combine,
                Policies = policies,
                Behavior = behavior,
                Cooldown = cooldown,
                FallbackReplicas = fallback,
                HoldDuringRescale = hold,
            };
    }

    private static PolicySpec? ReadPolicy(ConfigNode node, string path, SpecErrorList errors, ComponentKind kind, PolicyRegistry registry)
    {
        var map = ConfigMapReader.Open(node, path, errors);
        if (map is null)
        {
            return null;
        }

        var type = map.OptionalString("type");
        var name = map.OptionalString("name");
        if (type is null)
        {
            errors.Add(map.PathOf("type"), $"is required: one of {string.Join(", ", registry.Types)}", node);
            return null;
        }

        if (!registry.TryGet(type, out var policyType))
        {
            errors.Add(map.PathOf("type"), $"must be one of {string.Join(", ", registry.Types)}, got '{type}'", map.Field("type"));
            return null;
        }

        var spec = policyType.Parse(map, kind);
        map.Done();
        return spec is null ? null : spec with { Type = type, Name = name, ParsedBy = policyType };
    }

    private static BehaviorSpec ReadBehavior(ConfigMapReader? map)
    {
        if (map is null)
        {
            return BehaviorSpec.Default;
        }

        var up = ReadRules(map.Map("scaleUp"), BehaviorSpec.DefaultScaleUp);
        var down = ReadRules(map.Map("scaleDown"), BehaviorSpec.DefaultScaleDown);
        map.Done();
        return new BehaviorSpec(up, down);
    }

    // As HPA does (GenerateHPAScaleUpRules / GenerateHPAScaleDownRules): fields left out take the defaults.
    private static ScalingRules ReadRules(ConfigMapReader? map, ScalingRules defaults)
    {
        if (map is null)
        {
            return defaults;
        }

        var window = map.OptionalInteger("stabilizationWindowSeconds", 0, 3600) is { } seconds
            ? TimeSpan.FromSeconds(seconds)
            : defaults.StabilizationWindow;
        var select = map.Choice("selectPolicy", SelectPolicy.Max, ("Max", SelectPolicy.Max), ("Min", SelectPolicy.Min), ("Disabled", SelectPolicy.Disabled));
        var policies = map.List("policies", (node, path) => ReadRatePolicy(node, path, map.Errors));
        map.Done();
        return new ScalingRules(window, select, policies.IsEmpty ? defaults.Policies : policies);
    }

    private static RatePolicy? ReadRatePolicy(ConfigNode node, string path, SpecErrorList errors)
    {
        var map = ConfigMapReader.Open(node, path, errors);
        if (map is null)
        {
            return null;
        }

        var type = map.Has("type") ? map.Choice("type", RatePolicyType.Pods, ("Pods", RatePolicyType.Pods), ("Percent", RatePolicyType.Percent)) : (RatePolicyType?)null;
        if (type is null)
        {
            errors.Add(map.PathOf("type"), "is required: Pods or Percent", node);
        }

        var value = map.RequiredInteger("value", 1);
        var period = map.RequiredInteger("periodSeconds", 1, 1800);
        map.Done();
        return type is null || value is null || period is null
            ? null
            : new RatePolicy(type.Value, value.Value, TimeSpan.FromSeconds(period.Value));
    }

    private static CooldownSpec ReadCooldown(ConfigMapReader? map)
    {
        if (map is null)
        {
            return CooldownSpec.None;
        }

        var up = map.Duration("scaleUp", TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromDays(1));
        var down = map.Duration("scaleDown", TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromDays(1));
        map.Done();
        return new CooldownSpec(up, down);
    }

    /// <summary>The upstream CRD's pattern for node group names (a DNS subdomain).</summary>
    internal static bool IsDnsSubdomain(string name)
    {
        if (name.Length > 253)
        {
            return false;
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length == 0 || !char.IsAsciiLetterLower(label[0]) && !char.IsAsciiDigit(label[0])
                || !char.IsAsciiLetterLower(label[^1]) && !char.IsAsciiDigit(label[^1]))
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }
}
