using k8s.Models;
using System.Text;
using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Autoscaler.Telemetry;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Autoscaler.Daemon;

/// <summary>
/// The metrics sources clusters read from: the daemon's default Prometheus, and those RisingWaveAutoscalers name in
/// <c>spec.prometheus</c>, built with credentials read from Secrets in the autoscaler's namespace and rebuilt every
/// few minutes so that rotated credentials are picked up. Clusters sharing an endpoint share its queries.
/// </summary>
internal sealed class PrometheusSources(
    IMetricsSource? defaultSource, SignalCatalogue catalogue, KubernetesClient? client, TimeProvider time, DaemonMetrics metrics,
    IReadOnlyList<Uri>? allowed = null) : IDisposable
{
    /// <summary>
    /// The addresses a spec.prometheus may name (<c>--prometheus-allowed-url</c>; by default the daemon's own Prometheus
    /// only). Anything else is refused before a Secret is read or a request is sent: a RisingWaveAutoscaler must not
    /// make the daemon call, or carry credentials to, an address of its author's choosing.
    /// </summary>
    public IReadOnlyList<Uri> Allowed { get; } = allowed ?? [];

    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, (PrometheusClient Client, IMetricsSource Source, DateTimeOffset Built)> _built = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The need of one cluster: its endpoint key and how to get that endpoint's source.</summary>
    public MetricsNeed NeedOf(AutoscalerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Prometheus is not { } endpoint)
        {
            return new MetricsNeed(config.Target, MetricsHub.DefaultEndpoint, _ => Task.FromResult(
                defaultSource ?? throw new InvalidOperationException("no Prometheus configured: give --prometheus-url, or spec.prometheus in the RisingWaveAutoscaler")))
            {
                Horizon = config.SignalHorizon,
                Signals = config.Policy.Signals,
                PerPodCpu = config.PerPodCpu,
            };
        }

        if (!PrometheusAddress.IsAllowed(endpoint.Address, Allowed))
        {
            var refused = $"spec.prometheus.address {PrometheusAddress.Redact(endpoint.Address)} is not allowed by the daemon "
                + $"(allowed: {(Allowed.Count == 0 ? "none" : string.Join(", ", Allowed.Select(PrometheusAddress.Redact)))}; see --prometheus-allowed-url)";
            return new MetricsNeed(config.Target, "refused|" + PrometheusAddress.Redact(endpoint.Address), _ => throw new InvalidOperationException(refused))
            {
                Horizon = config.SignalHorizon,
                Signals = config.Policy.Signals,
                PerPodCpu = config.PerPodCpu,
            };
        }

        var key = string.Join('|', config.Resource.Namespace, endpoint.Address, endpoint.BearerToken, endpoint.Username, endpoint.Password,
            endpoint.CertificateAuthorities, endpoint.InsecureSkipVerify, endpoint.Timeout,
            string.Join(',', endpoint.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => h.Key + "=" + h.Value)));
        return new MetricsNeed(config.Target, key, ct => SourceAsync(key, endpoint, config.Resource.Namespace, ct))
        {
            Horizon = config.SignalHorizon,
            Signals = config.Policy.Signals,
            PerPodCpu = config.PerPodCpu,
        };
    }

    public void Dispose()
    {
        foreach (var built in _built.Values)
        {
            built.Client.Dispose();
        }

        _built.Clear();
    }

    private async Task<IMetricsSource> SourceAsync(string key, PrometheusOverride endpoint, string ns, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        using (_lock.EnterScope())
        {
            if (_built.TryGetValue(key, out var existing) && now - existing.Built < Refresh)
            {
                return existing.Source;
            }
        }

        var options = new PrometheusOptions
        {
            Address = endpoint.Address,
            BearerToken = endpoint.BearerToken is { } token ? await SecretAsync(ns, token, cancellationToken) : null,
            Username = endpoint.Username is { } user ? await SecretAsync(ns, user, cancellationToken) : null,
            Password = endpoint.Password is { } password ? await SecretAsync(ns, password, cancellationToken) : null,
            CaPem = endpoint.CertificateAuthorities is { } ca ? await SecretAsync(ns, ca, cancellationToken) : null,
            InsecureSkipVerify = endpoint.InsecureSkipVerify,
            Timeout = endpoint.Timeout,
            Headers = endpoint.Headers,
        };
        var prometheus = new PrometheusClient(options);
        var source = new PrometheusMetricsSource(prometheus, catalogue) { OnQuery = metrics.Observe };
        using (_lock.EnterScope())
        {
            if (_built.Remove(key, out var old))
            {
                old.Client.Dispose();
            }

            _built[key] = (prometheus, source, now);
        }

        return source;
    }

    private async Task<string> SecretAsync(string ns, SecretKey secret, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            throw new InvalidOperationException("secrets cannot be read without a Kubernetes client");
        }

        V1Secret? obj;
        try
        {
            obj = await client.Builtin<V1Secret>().GetOrNullAsync(ns, secret.Name, cancellationToken);
        }
        catch (KubeApiException e)
        {
            throw new InvalidOperationException($"secret {ns}/{secret.Name}: {e.Message}", e);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw new InvalidOperationException($"secret {ns}/{secret.Name} is not a readable Secret (data must be base64): {e.Message}", e);
        }

        if (obj is null)
        {
            throw new InvalidOperationException($"secret {ns}/{secret.Name} not found");
        }

        // The official client's model decodes data from base64.
        if (obj.Data?.TryGetValue(secret.Key, out var data) == true)
        {
            return Encoding.UTF8.GetString(data).Trim();
        }

        throw new InvalidOperationException($"secret {ns}/{secret.Name} has no key {secret.Key}");
    }
}
