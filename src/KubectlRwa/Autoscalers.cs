using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Kube.Client;

namespace RwAutoscaler.KubectlRwa;

/// <summary>Reads RisingWaveAutoscalers and the RisingWaves they size; a missing one is bad input (exit 2), a refusing cluster exit 1.</summary>
internal static class Autoscalers
{
    public static async Task<JsonObject> GetAsync(KubernetesClient client, string ns, string name, CancellationToken cancellationToken) =>
        await Call(() => client.Resource(RisingWaveAutoscaler.Resource).GetOrNullAsync(ns, name, cancellationToken))
        ?? throw new PluginError($"risingwaveautoscaler \"{name}\" not found in namespace \"{ns}\" (kubectl rwa status lists them)");

    public static async Task<IReadOnlyList<JsonObject>> ListAsync(KubernetesClient client, string? ns, CancellationToken cancellationToken) =>
        (await Call(() => client.Resource(RisingWaveAutoscaler.Resource).ListAllAsync(ns, cancellationToken: cancellationToken))).Items;

    public static async Task<JsonObject?> TargetAsync(KubernetesClient client, JsonObject autoscaler, CancellationToken cancellationToken) =>
        TargetName(autoscaler) is { } name
            ? await Call(() => client.Resource(RisingWaveState.Resource).GetOrNullAsync(autoscaler["metadata"]!["namespace"]!.ToString(), name, cancellationToken))
            : null;

    public static string? TargetName(JsonObject autoscaler) => (string?)autoscaler["spec"]?["targetRef"]?["name"];

    /// <summary>The RisingWave's annotations (ours and the rest).</summary>
    public static IReadOnlyDictionary<string, string> Annotations(JsonObject? risingWave) =>
        (risingWave?["metadata"]?["annotations"] as JsonObject)?.Where(a => a.Value is JsonValue).ToDictionary(a => a.Key, a => a.Value!.ToString(), StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    public static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or TaskCanceledException)
        {
            throw new PluginError($"the API server: {e.Message}", ExitCodes.Failed);
        }
    }
}
