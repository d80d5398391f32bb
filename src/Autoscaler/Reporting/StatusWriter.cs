using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Kube.Client;

namespace RwAutoscaler.Autoscaler.Reporting;

/// <summary>Writes a RisingWaveAutoscaler's status, only when it changed (so that no-op evaluations cause no writes and no watch events).</summary>
internal interface IStatusWriter
{
    /// <summary>Returns true when something was written.</summary>
    Task<bool> WriteAsync(ClusterRef autoscaler, JsonNode? current, AutoscalerStatus status, CancellationToken cancellationToken);
}

/// <summary>
/// Through the status subresource with a JSON merge patch: fields the new status leaves out are set to null (deleted),
/// lists are replaced whole. No resourceVersion precondition: the daemon is the status' only writer.
/// </summary>
internal sealed class KubeStatusWriter(KubernetesClient client) : IStatusWriter
{
    private readonly ResourceClient<JsonObject> _autoscalers = client.Resource(RisingWaveAutoscaler.Resource);

    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static JsonObject ToJson(AutoscalerStatus status) => (JsonObject)JsonSerializer.SerializeToNode(status, Options)!;

    public async Task<bool> WriteAsync(ClusterRef autoscaler, JsonNode? current, AutoscalerStatus status, CancellationToken cancellationToken)
    {
        var wanted = ToJson(status);
        if (JsonNode.DeepEquals(current, wanted))
        {
            return false;
        }

        var patch = (JsonObject)wanted.DeepClone();
        if (current is JsonObject old)
        {
            foreach (var (key, _) in old)
            {
                if (!patch.ContainsKey(key))
                {
                    patch[key] = null;
                }
            }
        }

        await _autoscalers.PatchStatusAsync(autoscaler.Namespace, autoscaler.Name, KubePatch.Merge(new JsonObject { ["status"] = patch }), cancellationToken);
        return true;
    }
}
