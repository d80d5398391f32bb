using System.Text.Json.Nodes;
using k8s;
using k8s.Exceptions;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Client;

/// <summary>
/// The official client (<see cref="Api"/>: kubeconfig and in-cluster config, exec and OIDC credentials, TLS,
/// typed models) with what it leaves to its user: a retry handler, a per-request timeout, one error type
/// (<see cref="KubeApiException"/>), and access to any resource by group/version/resource through its
/// custom-object API (<see cref="Resource(ResourceType)"/>), which keeps every field of what it reads.
/// </summary>
public sealed class KubernetesClient : IDisposable
{
    private readonly k8s.Kubernetes api;

    public KubernetesClient(KubernetesClientConfiguration config, KubeClientOptions? options = null)
        : this(config, options, [])
    {
    }

    /// <summary>With more handlers after the retry handler (a benchmark counts the requests that reach the wire).</summary>
    internal KubernetesClient(KubernetesClientConfiguration config, KubeClientOptions? options, DelegatingHandler[] handlers)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        Options = options ?? new KubeClientOptions();
        var logger = Options.LoggerFactory?.CreateLogger<KubernetesClient>() ?? NullLogger<KubernetesClient>.Instance;
        api = new k8s.Kubernetes(config, [new RetryHandler(Options, logger), .. handlers]);
        // Ours first (audit logs and RBAC reviews group by it), then the library's.
        api.HttpClient.DefaultRequestHeaders.Remove("User-Agent");
        api.HttpClient.DefaultRequestHeaders.UserAgent.ParseAdd(Options.UserAgent);
        api.HttpClient.DefaultRequestHeaders.UserAgent.ParseAdd(config.UserAgent);
    }

    /// <summary>The official client, for typed calls on built-in kinds (wrap them in <see cref="KubeApiException.Translate{T}"/>).</summary>
    public IKubernetes Api => api;

    public KubernetesClientConfiguration Config { get; }

    public KubeClientOptions Options { get; }

    public string DefaultNamespace => string.IsNullOrEmpty(Config.Namespace) ? "default" : Config.Namespace;

    internal TimeProvider Time => Options.TimeProvider;

    /// <summary>Typed access to a kind that knows its resource (your own CR records).</summary>
    public ResourceClient<T> Resource<T>()
        where T : class, ICustomResource<T> =>
        new(this, T.Resource, ResourceCodecs.Typed<T>());

    /// <summary>
    /// Typed access to a built-in kind through the official client's model (<c>V1StatefulSet</c>, <c>V1Lease</c>...),
    /// its resource read from the model's <see cref="KubernetesEntityAttribute"/>. Write such objects with patches:
    /// a PUT of a model drops the fields the model does not know.
    /// </summary>
    public ResourceClient<T> Builtin<T>()
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(this, ResourceCodecs.BuiltinType<T>(), ResourceCodecs.Builtin<T>());

    /// <summary>Untyped access by group/version/resource; unknown fields are kept as they are.</summary>
    public ResourceClient<JsonObject> Resource(ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new(this, type, ResourceCodecs.Json);
    }

    /// <summary>
    /// Where the API server is, as kubectl finds it: the given kubeconfig (or the first file of KUBECONFIG, or
    /// ~/.kube/config), else the in-cluster service account. The library reads it; errors name what is wrong.
    /// </summary>
    public static KubernetesClientConfiguration LoadConfig(string? kubeconfig = null, string? context = null)
    {
        try
        {
            var path = kubeconfig
                ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
                ?? (File.Exists(KubernetesClientConfiguration.KubeConfigDefaultLocation) ? KubernetesClientConfiguration.KubeConfigDefaultLocation : null);
            if (path is not null)
            {
                return KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context);
            }

            // Unlike the library's BuildDefaultConfig, never fall back to localhost:8080: no cluster found is an error.
            return KubernetesClientConfiguration.IsInCluster() && context is null
                ? KubernetesClientConfiguration.InClusterConfig()
                : throw new KubeConfigException(context is null
                    ? "no kubeconfig (--kubeconfig, KUBECONFIG, ~/.kube/config) and no in-cluster service account"
                    : $"--context {context} needs a kubeconfig (--kubeconfig, KUBECONFIG, ~/.kube/config)");
        }
        catch (Exception e) when (e is KubeConfigException or FileNotFoundException or IOException or YamlDotNet.Core.YamlException)
        {
            throw new KubeConfigException($"cannot load the Kubernetes configuration: {e.Message}", e);
        }
    }

    public void Dispose() => api.Dispose();

    /// <summary>One non-watch call, bounded by <see cref="KubeClientOptions.RequestTimeout"/>, its errors translated.</summary>
    internal async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.RequestTimeout);
        try
        {
            return await KubeApiException.Translate(() => call(timeout.Token));
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{what} did not answer within {Options.RequestTimeout}", e);
        }
    }
}
