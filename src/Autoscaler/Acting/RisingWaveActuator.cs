using k8s.Models;
using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Autoscaler.Overrides;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Acting;

/// <summary>
/// Changes replicas on the RisingWave resource, the only replica knob of the upstream CRD (risingwave.md section 1.1):
/// a JSON patch of <c>spec.components.&lt;c&gt;.nodeGroups[i].replicas</c> guarded by <c>test</c> operations on the
/// group's name (the list may have been reordered) and on the replicas the decision started from (someone may have
/// changed them). When a RisingWaveScaleView locks the group, the RisingWave's webhook would refuse that patch, so
/// the change goes through the view's <c>scale</c> subresource with its resourceVersion. A conflict or a failed test
/// is retried from a fresh read; if the fresh read shows other replicas, the decision is stale and nothing is written.
/// </summary>
internal sealed class RisingWaveActuator(KubernetesClient client, TimeProvider time, int attempts = 5) : IScalingActuator
{
    private readonly ResourceClient<JsonObject> _risingWaves = client.Resource(RisingWaveState.Resource);
    private readonly ResourceClient<JsonObject> _scaleViews = client.Resource(RisingWaveState.ScaleViewResource);

    public async Task<ActuationResult> ScaleAsync(ScaleRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? lastError = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                var written = await TryOnceAsync(request, attempt, cancellationToken);
                if (written is not null)
                {
                    return written;
                }

                lastError = "the object changed while it was being written";
            }
            catch (KubeApiException e) when (e.IsConflict || e.IsInvalid)
            {
                // 409, or 422 from a failed test: someone wrote in between. Read afresh and see whether the change still applies.
                lastError = e.Message;
            }
            catch (KubeApiException e)
            {
                return new ActuationResult(ActuationOutcome.Failed, $"the API refused the change: {e.Message}", Attempts: attempt);
            }
            catch (HttpRequestException e)
            {
                return new ActuationResult(ActuationOutcome.Failed, $"the API could not be reached: {e.Message}", Attempts: attempt);
            }
            catch (TimeoutException e)
            {
                return new ActuationResult(ActuationOutcome.Failed, e.Message, Attempts: attempt);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), time, cancellationToken);
        }

        return new ActuationResult(ActuationOutcome.Failed, $"gave up after {attempts} conflicting writes: {lastError}", Attempts: attempts);
    }

    // Null means "retry": the write raced with another one.
    private async Task<ActuationResult?> TryOnceAsync(ScaleRequest request, int attempt, CancellationToken cancellationToken)
    {
        var (ns, name) = (request.Cluster.Namespace, request.Cluster.Name);
        var obj = await _risingWaves.GetOrNullAsync(ns, name, cancellationToken);
        if (obj is null)
        {
            return new ActuationResult(ActuationOutcome.Failed, $"RisingWave {request.Cluster} not found", Attempts: attempt);
        }

        var rw = RisingWaveState.From(obj);
        if (request.Overrides is { } seen && OverrideAnnotations.Fingerprint(rw.Annotations) != seen)
        {
            return new ActuationResult(ActuationOutcome.Superseded,
                $"the override annotations of {request.Cluster} changed since the decision ({request.Component.Kind.ToName()} {request.From} -> {request.To}); evaluating again",
                Attempts: attempt);
        }

        if (rw.OperatorPaused)
        {
            return new ActuationResult(ActuationOutcome.Skipped, $"{RisingWaveState.PauseReconcile} is set: the operator would not carry the change out", Attempts: attempt);
        }

        var key = request.Component;
        var component = rw.Component(key);
        var group = rw.FindGroup(key);
        if (component is null || group is null)
        {
            return new ActuationResult(ActuationOutcome.Failed, $"{Where(key)} has no node group named '{key.Group}'", Attempts: attempt);
        }

        if (component.ScaleView is { } view)
        {
            return await ScaleViewAsync(request, ns, view, attempt, cancellationToken);
        }

        if ((group.Replicas ?? 0) != request.From)
        {
            return Superseded(request, group.Replicas ?? 0, attempt);
        }

        var path = $"/spec/components/{key.Kind.ToName()}/nodeGroups/{group.Index}";
        // The object as just read, or nothing: a write in between (say, a pause while a 429's Retry-After was waited out)
        // fails the test, and the next attempt reads again and re-validates.
        var patch = new JsonPatchDocument()
            .Test("/metadata/resourceVersion", JsonValue.Create(obj.GetResourceVersion()))
            .Test($"{path}/name", JsonValue.Create(group.Name));
        if (group.Replicas is { } replicas)
        {
            patch.Test($"{path}/replicas", JsonValue.Create(replicas)).Replace($"{path}/replicas", JsonValue.Create(request.To));
        }
        else
        {
            patch.Add($"{path}/replicas", JsonValue.Create(request.To));
        }

        await _risingWaves.PatchAsync(ns, name, KubePatch.Json(patch), cancellationToken);
        return new ActuationResult(ActuationOutcome.Scaled, $"patched {Where(key)} '{key.Group}' replicas {request.From} -> {request.To}", Attempts: attempt);
    }

    private async Task<ActuationResult?> ScaleViewAsync(ScaleRequest request, string ns, string view, int attempt, CancellationToken cancellationToken)
    {
        V1Scale scale;
        try
        {
            scale = await _scaleViews.GetScaleAsync(ns, view, cancellationToken);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return new ActuationResult(ActuationOutcome.Failed, $"RisingWaveScaleView {ns}/{view} locks the group but was not found", view, attempt);
        }

        var current = scale.Spec?.Replicas ?? 0;
        if (current != request.From)
        {
            return Superseded(request, current, attempt) with { ScaleView = view };
        }

        // PUT with the resourceVersion just read: a change in between is a 409, never a lost update.
        scale.Spec = new V1ScaleSpec { Replicas = request.To };
        await _scaleViews.ReplaceScaleAsync(ns, view, scale, cancellationToken);
        return new ActuationResult(ActuationOutcome.Scaled, $"scaled RisingWaveScaleView {view} {request.From} -> {request.To}", view, attempt);
    }

    private static ActuationResult Superseded(ScaleRequest request, int now, int attempt) => new(
        ActuationOutcome.Superseded,
        $"{request.Component} is at {now} now, not {request.From} as decided: someone else changed it; evaluating again",
        Attempts: attempt);

    private static string Where(ComponentKey key) => $"spec.components.{key.Kind.ToName()}.nodeGroups";
}
