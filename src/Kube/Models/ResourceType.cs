namespace RwAutoscaler.Kube.Models;

/// <summary>
/// Where a kind lives on the API: group, version, plural resource name and scope. This is all the
/// client needs to build URLs, so custom resources need nothing more than one of these.
/// </summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced = true)
{
    /// <summary>"v1" for the core group, "group/version" otherwise.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>"deployments.apps", or "pods" for the core group: how the server names the resource in messages.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public override string ToString() => $"{GroupResource}/{Version}";

    public static readonly ResourceType Namespaces = new("", "v1", "namespaces", "Namespace", Namespaced: false);
    public static readonly ResourceType Pods = new("", "v1", "pods", "Pod");
    public static readonly ResourceType Services = new("", "v1", "services", "Service");
    public static readonly ResourceType ConfigMaps = new("", "v1", "configmaps", "ConfigMap");
    public static readonly ResourceType CoreEvents = new("", "v1", "events", "Event");
    public static readonly ResourceType Deployments = new("apps", "v1", "deployments", "Deployment");
    public static readonly ResourceType StatefulSets = new("apps", "v1", "statefulsets", "StatefulSet");
    public static readonly ResourceType Events = new("events.k8s.io", "v1", "events", "Event");
    public static readonly ResourceType Leases = new("coordination.k8s.io", "v1", "leases", "Lease");
}
