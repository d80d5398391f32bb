using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Watching;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>A read-only view of one resource's objects, as an informer's cache holds them.</summary>
internal interface IResourceView
{
    JsonObject? Get(ClusterRef key);

    IReadOnlyList<JsonObject> List();
}

internal sealed class InformerView(Informer<JsonObject> informer) : IResourceView
{
    public JsonObject? Get(ClusterRef key) => informer.Get(key.Namespace, key.Name);

    public IReadOnlyList<JsonObject> List() => informer.List();

    public static ClusterRef KeyOf(JsonObject obj) => new(obj.GetNamespace() ?? "default", obj.GetName() ?? "");
}
