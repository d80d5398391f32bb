using System.Text.Json.Nodes;
using RwAutoscaler.Chart.Tests.Rendering;

namespace RwAutoscaler.Chart.Tests.Support;

/// <summary>One rule of a Role or ClusterRole, with where it applies (the Role's namespace, or everywhere).</summary>
internal sealed record RbacRule(string Source, string? Namespace, IReadOnlyList<string> Groups, IReadOnlyList<string> Resources,
    IReadOnlyList<string> Verbs, IReadOnlyList<string> ResourceNames, IReadOnlyList<string> NonResourceUrls)
{
    public bool Allows(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.NonResourcePath is not null)
        {
            return Namespace is null && NonResourceUrls.Any(u => u == call.NonResourcePath || (u.EndsWith('*') && call.NonResourcePath.StartsWith(u[..^1], StringComparison.Ordinal)))
                && (Verbs.Contains("*") || Verbs.Contains(call.Verb));
        }

        return (Namespace is null || Namespace == call.Namespace)
            && (Groups.Contains("*") || Groups.Contains(call.Group))
            && (Resources.Contains("*") || Resources.Contains(call.Resource))
            && (Verbs.Contains("*") || Verbs.Contains(call.Verb))
            && (ResourceNames.Count == 0 || (call.Name is not null && ResourceNames.Contains(call.Name)));
    }

    /// <summary>Each (group, resource, verb) the rule grants, to check that every one is used.</summary>
    public IEnumerable<(string Group, string Resource, string Verb)> Grants() =>
        from g in Groups from r in Resources from v in Verbs select (g, r, v);

    public override string ToString() =>
        $"{Source}: groups [{string.Join(',', Groups)}] resources [{string.Join(',', Resources)}] verbs [{string.Join(',', Verbs)}]"
        + (ResourceNames.Count > 0 ? $" names [{string.Join(',', ResourceNames)}]" : "");

    /// <summary>
    /// The rules bound to a service account in the rendered objects: ClusterRoles through ClusterRoleBindings (everywhere)
    /// or RoleBindings (in the binding's namespace), Roles through RoleBindings (in the Role's namespace).
    /// </summary>
    public static IReadOnlyList<RbacRule> For(IReadOnlyList<RenderedObject> objects, string serviceAccountNamespace, string serviceAccount)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var roles = objects.Where(o => o.Kind is "Role" or "ClusterRole").ToDictionary(o => (o.Kind, NamespaceOf(o.Object), o.Name));
        var rules = new List<RbacRule>();
        foreach (var binding in objects.Where(o => o.Kind is "RoleBinding" or "ClusterRoleBinding"))
        {
            var bound = (binding.Object["subjects"] as JsonArray ?? []).OfType<JsonObject>().Any(s =>
                (string?)s["kind"] == "ServiceAccount" && (string?)s["name"] == serviceAccount && (string?)s["namespace"] == serviceAccountNamespace);
            if (!bound)
            {
                continue;
            }

            var roleRef = binding.Object["roleRef"]!;
            var kind = (string)roleRef["kind"]!;
            var bindingNamespace = binding.Kind == "RoleBinding" ? NamespaceOf(binding.Object) : null;
            var key = (kind, kind == "Role" ? bindingNamespace : null, (string)roleRef["name"]!);
            if (!roles.TryGetValue(key, out var role))
            {
                throw new InvalidOperationException($"{binding} refers to {kind} {key.Item3}, which the chart does not render");
            }

            foreach (var rule in (role.Object["rules"] as JsonArray ?? []).OfType<JsonObject>())
            {
                rules.Add(new RbacRule($"{role.Kind} {role.Name}", bindingNamespace, Strings(rule["apiGroups"]), Strings(rule["resources"]),
                    Strings(rule["verbs"]), Strings(rule["resourceNames"]), Strings(rule["nonResourceURLs"])));
            }
        }

        return rules;
    }

    private static string? NamespaceOf(JsonObject obj) => (string?)obj["metadata"]?["namespace"];

    private static List<string> Strings(JsonNode? node) => (node as JsonArray ?? []).Select(n => (string)n!).ToList();
}
