using System.Text.Json.Serialization;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Operator.Resources;

/// <summary>The same wire conventions as the Kube client's context: camelCase, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RisingWave))]
[JsonSerializable(typeof(ResourceList<RisingWave>))]
[JsonSerializable(typeof(RisingWaveStatus))]
[JsonSerializable(typeof(RisingWaveNodePodTemplateSpec))]
internal sealed partial class OperatorJsonContext : JsonSerializerContext;
