using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Chart.Tests.Support;

/// <summary>
/// A request as RBAC sees it: verb (get, list, watch, create, update, patch, delete, deletecollection), API group,
/// resource with its subresource ("risingwavescaleviews/scale"), namespace (null when cluster-wide) and name.
/// Non-resource paths (/api, /apis, /version, /openapi) have <see cref="NonResourcePath"/> set.
/// </summary>
internal sealed record ApiCall(string Verb, string Group, string Resource, string? Namespace, string? Name, string? NonResourcePath = null)
{
    public override string ToString() => NonResourcePath is not null
        ? $"{Verb} {NonResourcePath}"
        : $"{Verb} {(Group.Length == 0 ? "core" : Group)}/{Resource}{(Namespace is null ? " (all namespaces)" : $" in {Namespace}")}{(Name is null ? "" : $" name={Name}")}";

    /// <summary>The same call without the object's name and namespace, for listing distinct permissions.</summary>
    public string Permission => NonResourcePath is not null ? $"{Verb} {NonResourcePath}" : $"{Verb} {(Group.Length == 0 ? "core" : Group)}/{Resource}";

    public static ApiCall From(RecordedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var segments = request.Path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group;
        string[] rest;
        switch (segments)
        {
            case ["api", _, .. var r] when r.Length > 0:
                (group, rest) = ("", r);
                break;
            case ["apis", var g, _, .. var r] when r.Length > 0:
                (group, rest) = (g, r);
                break;
            default:
                return new ApiCall(request.Method.ToLowerInvariant(), "", "", null, null, request.Path);
        }

        string? ns = null;
        if (rest is ["namespaces", var n, _, ..])
        {
            ns = n;
            rest = rest[2..];
        }

        var resource = rest[0];
        var name = rest.ElementAtOrDefault(1);
        var sub = rest.ElementAtOrDefault(2);
        var query = request.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries);
        var watching = query.Any(p => p is "watch=1" or "watch=true");
        var verb = request.Method switch
        {
            "GET" when name is null => watching ? "watch" : "list",
            "GET" => "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" when name is null => "deletecollection",
            "DELETE" => "delete",
            _ => request.Method.ToLowerInvariant(),
        };
        return new ApiCall(verb, group, sub is null ? resource : $"{resource}/{sub}", ns, name);
    }
}
