using k8s.Models;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Autoscaler.Reporting;

/// <summary>A Kubernetes event to publish: what it is about, Normal or Warning, a CamelCase reason, and a one-line note.</summary>
internal sealed record EventNote(V1ObjectReference Regarding, string Type, string Reason, string Action, string Note, V1ObjectReference? Related = null)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}

/// <summary>Where events go. Best effort, as Kubernetes events are: publishing never blocks or fails the caller.</summary>
internal interface IEventSink
{
    void Publish(EventNote note);
}
