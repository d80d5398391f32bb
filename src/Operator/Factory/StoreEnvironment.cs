using System.Text.Json.Nodes;
using RwAutoscaler.Operator.Resources;

namespace RwAutoscaler.Operator.Factory;

/// <summary>
/// How the meta store and state store of the spec reach the processes: the RisingWave environment
/// variables (RW_BACKEND, RW_SQL_*, RW_STATE_STORE, RW_DATA_DIRECTORY, ...) and the backend names upstream
/// reports in status.metaStore.backend and status.stateStore.backend.
/// </summary>
internal static class StoreEnvironment
{
    public static string MetaStoreBackend(RisingWaveMetaStore? store) => store switch
    {
        null => "Memory",
        { Memory: true } => "Memory",
        { Etcd: not null } => "Etcd",
        { SQLite: not null } => "SQLite",
        { MySQL: not null } => "MySQL",
        { PostgreSQL: not null } => "PostgreSQL",
        { Memory: null, AdditionalProperties: null or { Count: 0 } } => "Memory",
        _ => "Unknown",
    };

    public static string StateStoreBackend(RisingWaveStateStore? store) => store switch
    {
        null => "Memory",
        { Memory: true } => "Memory",
        { MinIO: not null } => "MinIO",
        { S3: not null } => "S3",
        { GCS: not null } => "GCS",
        { AliyunOSS: not null } => "AliyunOSS",
        { AzureBlob: not null } => "AzureBlob",
        { HDFS: not null } => "HDFS",
        { WebHDFS: not null } => "WebHDFS",
        { LocalDisk: not null } => "LocalDisk",
        { HuaweiCloudOBS: not null } => "HuaweiCloudOBS",
        { Memory: null, AdditionalProperties: null or { Count: 0 } } => "Memory",
        _ => "Unknown",
    };

    /// <summary>Environment of the meta nodes: where metadata lives.</summary>
    public static IEnumerable<JsonObject> MetaStore(RisingWaveMetaStore? store)
    {
        switch (MetaStoreBackend(store))
        {
            case "Etcd":
                yield return Json.EnvValue("RW_BACKEND", "etcd");
                yield return Json.EnvValue("RW_ETCD_ENDPOINTS", Json.String(store!.Etcd, "endpoint") ?? "");
                break;
            case "SQLite":
                yield return Json.EnvValue("RW_BACKEND", "sqlite");
                yield return Json.EnvValue("RW_SQL_ENDPOINT", Json.String(store!.SQLite, "path") ?? "");
                break;
            case "MySQL":
                foreach (var env in Sql("mysql", store!.MySQL!))
                {
                    yield return env;
                }

                break;
            case "PostgreSQL":
                foreach (var env in Sql("postgres", store!.PostgreSQL!))
                {
                    yield return env;
                }

                break;
            default:
                yield return Json.EnvValue("RW_BACKEND", "mem");
                break;
        }
    }

    /// <summary>Environment of meta, compute and compactor nodes: where the state store is.</summary>
    public static IEnumerable<JsonObject> StateStore(RisingWaveStateStore? store)
    {
        yield return Json.EnvValue("RW_STATE_STORE", StateStoreUrl(store));
        yield return Json.EnvValue("RW_DATA_DIRECTORY", store?.DataDirectory ?? "hummock");
        if (store?.S3 is { } s3)
        {
            if (s3.Region is { Length: > 0 } region)
            {
                yield return Json.EnvValue("AWS_REGION", region);
            }

            if (s3.Endpoint is { Length: > 0 } endpoint)
            {
                yield return Json.EnvValue("RW_S3_ENDPOINT", endpoint);
            }

            if (Json.String(s3.Credentials, "secretName") is { Length: > 0 } secret)
            {
                yield return Json.EnvSecret("AWS_ACCESS_KEY_ID", secret, Json.String(s3.Credentials, "accessKeyRef") ?? "AccessKeyID");
                yield return Json.EnvSecret("AWS_SECRET_ACCESS_KEY", secret, Json.String(s3.Credentials, "secretAccessKeyRef") ?? "SecretAccessKey");
            }
        }
    }

    private static string StateStoreUrl(RisingWaveStateStore? store) => StateStoreBackend(store) switch
    {
        "S3" => $"hummock+s3://{store!.S3!.Bucket}",
        "MinIO" => $"hummock+minio://$(MINIO_USERNAME):$(MINIO_PASSWORD)@{Json.String(store!.MinIO, "endpoint")}/{Json.String(store.MinIO, "bucket")}",
        "GCS" => $"hummock+gcs://{Json.String(store!.GCS, "bucket")}",
        "AliyunOSS" => $"hummock+oss://{Json.String(store!.AliyunOSS, "bucket")}",
        "AzureBlob" => $"hummock+azblob://{Json.String(store!.AzureBlob, "container")}",
        "HDFS" => $"hummock+hdfs://{Json.String(store!.HDFS, "nameNode")}",
        "WebHDFS" => $"hummock+webhdfs://{Json.String(store!.WebHDFS, "nameNode")}",
        "LocalDisk" => $"hummock+fs://{Json.String(store!.LocalDisk, "root")}",
        "HuaweiCloudOBS" => $"hummock+obs://{Json.String(store!.HuaweiCloudOBS, "bucket")}",
        _ => "hummock+memory",
    };

    private static IEnumerable<JsonObject> Sql(string backend, JsonObject sql)
    {
        yield return Json.EnvValue("RW_BACKEND", backend);
        yield return Json.EnvValue("RW_SQL_ENDPOINT", $"{Json.String(sql, "host")}:{Json.Int(sql["port"])}");
        yield return Json.EnvValue("RW_SQL_DATABASE", Json.String(sql, "database") ?? "");
        if (sql["credentials"] is JsonObject credentials && Json.String(credentials, "secretName") is { Length: > 0 } secret)
        {
            yield return Json.EnvSecret("RW_SQL_USERNAME", secret, Json.String(credentials, "usernameKeyRef") ?? "username");
            yield return Json.EnvSecret("RW_SQL_PASSWORD", secret, Json.String(credentials, "passwordKeyRef") ?? "password");
        }
    }
}
