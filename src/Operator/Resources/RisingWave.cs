using k8s.Models;
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Crd;

namespace RwAutoscaler.Operator.Resources;

/// <summary>
/// The upstream <c>risingwave.risingwavelabs.com/v1alpha1</c> RisingWave (risingwave-operator
/// apis/risingwave/v1alpha1). Fields this operator acts on are typed; every other field, known upstream or
/// not, is kept in the extension data of the object it belongs to, so reading and writing back loses
/// nothing, and the generated schema preserves unknown fields at those levels.
/// </summary>
[CustomResource(RisingWaveResource.Group, RisingWaveResource.Version, RisingWaveResource.Plural,
    ShortNames = ["rw"], Categories = ["all", "streaming"], StatusSubresource = true)]
[PrinterColumn("META STORE", "string", ".status.metaStore.backend", Order = 0)]
[PrinterColumn("STATE STORE", "string", ".status.stateStore.backend", Order = 1)]
[PrinterColumn("VERSION", "string", ".status.version", Order = 2)]
[PrinterColumn("RUNNING", "string", ".status.conditions[?(@.type==\"Running\")].status", Order = 3)]
[PrinterColumn("AGE", "date", ".metadata.creationTimestamp", Order = 4)]
[Description("RisingWave is the Schema for the risingwaves API.")]
internal sealed record RisingWave : ICustomResource<RisingWave>
{
    public string? ApiVersion { get; set; } = RisingWaveResource.Type.ApiVersion;

    public string? Kind { get; set; } = RisingWaveResource.Type.Kind;

    public V1ObjectMeta Metadata { get; init; } = new();

    [Description("Spec of the RisingWave.")]
    public RisingWaveSpec? Spec { get; init; }

    [Description("Status of the RisingWave, written by the operator through the status subresource.")]
    public RisingWaveStatus? Status { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    public static ResourceType Resource => RisingWaveResource.Type;

    public static JsonTypeInfo<RisingWave> JsonTypeInfo => OperatorJsonContext.Default.RisingWave;

    public static JsonTypeInfo<ResourceList<RisingWave>> ListJsonTypeInfo => OperatorJsonContext.Default.ResourceListRisingWave;
}

internal static class RisingWaveResource
{
    public const string Group = "risingwave.risingwavelabs.com";
    public const string Version = "v1alpha1";
    public const string Plural = "risingwaves";

    public static ResourceType Type { get; } = new(Group, Version, Plural, "RisingWave");
}

internal sealed record RisingWaveSpec
{
    [RequiredInSchema]
    [Description("Image of RisingWave for all components, e.g. risingwavelabs/risingwave:v3.0.3.")]
    public string? Image { get; init; }

    [Description("Components of RisingWave: meta, frontend, compute, compactor (and standalone).")]
    public RisingWaveComponents? Components { get; init; }

    [Description("Where risingwave.toml comes from: a ConfigMap or a Secret.")]
    public RisingWaveNodeConfiguration? Configuration { get; init; }

    [Default("""{"memory":true}""")]
    [Description("Meta store: memory, etcd, sqlite, mysql or postgresql.")]
    public RisingWaveMetaStore? MetaStore { get; init; }

    [Default("""{"memory":true}""")]
    [Description("State store: memory, s3, gcs, aliyunOSS, azureBlob, hdfs, webhdfs, minio, localDisk or huaweiCloudOBS.")]
    public RisingWaveStateStore? StateStore { get; init; }

    [Default("false")]
    public bool? EnableOpenKruise { get; init; }

    [Default("false")]
    public bool? EnableFrontendStatefulSet { get; init; }

    public bool? EnableDefaultServiceMonitor { get; init; }

    [Default("false")]
    public bool? EnableFullKubernetesAddr { get; init; }

    [Default("false")]
    public bool? EnableStandaloneMode { get; init; }

    [Default("false")]
    public bool? EnableEmbeddedServingMode { get; init; }

    public bool? EnableAdvertisingWithIP { get; init; }

    [Default("true")]
    public bool? EnableWebhookListener { get; init; }

    [Default("\"ClusterIP\"")]
    [Enum("ClusterIP", "NodePort", "LoadBalancer")]
    [Description("Type of the frontend Service.")]
    public string? FrontendServiceType { get; init; }

    public PartialObjectMeta? AdditionalFrontendServiceMetadata { get; init; }

    public PartialObjectMeta? AdditionalMetaServiceMetadata { get; init; }

    public JsonObject? Tls { get; init; }

    public JsonObject? LicenseKey { get; init; }

    public JsonObject? SecretStore { get; init; }

    [Default("0")]
    public int? StandaloneMode { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>Labels and annotations to add onto an object the operator creates.</summary>
internal sealed record PartialObjectMeta
{
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

internal sealed record RisingWaveNodeConfiguration
{
    [Description("ConfigMap where risingwave.toml is.")]
    public RisingWaveConfigurationSource? ConfigMap { get; init; }

    [Description("Secret where risingwave.toml is.")]
    public RisingWaveConfigurationSource? Secret { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

internal sealed record RisingWaveConfigurationSource
{
    public string? Name { get; init; }

    [Default("\"risingwave.toml\"")]
    public string? Key { get; init; }

    public bool? Optional { get; init; }
}

internal sealed record RisingWaveMetaStore
{
    public bool? Memory { get; init; }

    public JsonObject? Etcd { get; init; }

    [JsonPropertyName("sqlite")]
    public JsonObject? SQLite { get; init; }

    [JsonPropertyName("mysql")]
    public JsonObject? MySQL { get; init; }

    [JsonPropertyName("postgresql")]
    public JsonObject? PostgreSQL { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

internal sealed record RisingWaveStateStore
{
    [Description("Directory under the bucket (or root) where the state store keeps its data.")]
    public string? DataDirectory { get; init; }

    public bool? Memory { get; init; }

    [JsonPropertyName("minio")]
    public JsonObject? MinIO { get; init; }

    [Description("AWS S3, or an S3-compatible service when endpoint is set.")]
    public RisingWaveS3? S3 { get; init; }

    [JsonPropertyName("gcs")]
    public JsonObject? GCS { get; init; }

    public JsonObject? AliyunOSS { get; init; }

    public JsonObject? AzureBlob { get; init; }

    [JsonPropertyName("hdfs")]
    public JsonObject? HDFS { get; init; }

    [JsonPropertyName("webhdfs")]
    public JsonObject? WebHDFS { get; init; }

    public JsonObject? LocalDisk { get; init; }

    public JsonObject? HuaweiCloudOBS { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

internal sealed record RisingWaveS3
{
    public string? Bucket { get; init; }

    public string? Region { get; init; }

    [Description("Endpoint of an S3-compatible service; empty for AWS S3.")]
    public string? Endpoint { get; init; }

    [Description("Credentials: a Secret, or useServiceAccount.")]
    public JsonObject? Credentials { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
