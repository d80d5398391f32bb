using RwAutoscaler.Autoscaler.Telemetry;
using RwAutoscaler.Kube.Events;

namespace RwAutoscaler.Autoscaler.Reporting;

/// <summary>Events through the Kubernetes client's recorder (events.k8s.io/v1, repeats aggregated into a series).</summary>
internal sealed class RecorderEventSink(IEventRecorder recorder, DaemonMetrics metrics) : IEventSink
{
    public const string Controller = "rwautoscaler.dev/autoscaler";

    public void Publish(EventNote note)
    {
        ArgumentNullException.ThrowIfNull(note);
        metrics.Events.WithLabels(note.Reason).Inc();
        recorder.Record(note.Regarding, note.Type, note.Reason, note.Action, note.Note, note.Related);
    }
}
