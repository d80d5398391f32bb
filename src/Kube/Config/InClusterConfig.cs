using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace RwAutoscaler.Kube.Config;

/// <summary>
/// client-go rest.InClusterConfig: https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT, the
/// service-account token (re-read every minute, as it rotates), its ca.crt, and the namespace from
/// POD_NAMESPACE, else the namespace file, else "default".
/// </summary>
public static class InClusterConfig
{
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>Both service variables set and the token and CA files present (the C# client's IsInCluster).</summary>
    public static bool IsInCluster(string directory = ServiceAccountDirectory, Func<string, string?>? environment = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariable;
        return !string.IsNullOrEmpty(env("KUBERNETES_SERVICE_HOST")) && !string.IsNullOrEmpty(env("KUBERNETES_SERVICE_PORT"))
            && File.Exists(Path.Combine(directory, "token")) && File.Exists(Path.Combine(directory, "ca.crt"));
    }

    public static KubeClientConfig Load(string directory = ServiceAccountDirectory, Func<string, string?>? environment = null, TimeProvider? timeProvider = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariable;
        var host = env("KUBERNETES_SERVICE_HOST");
        var port = env("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeConfigException("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set");
        }
        var tokenFile = Path.Combine(directory, "token");
        var caFile = Path.Combine(directory, "ca.crt");
        if (!File.Exists(tokenFile))
        {
            throw new KubeConfigException($"in-cluster configuration: the service-account token {tokenFile} does not exist");
        }
        if (!File.Exists(caFile))
        {
            throw new KubeConfigException($"in-cluster configuration: the service-account CA {caFile} does not exist");
        }
        var ns = env("POD_NAMESPACE");
        var nsFile = Path.Combine(directory, "namespace");
        if (string.IsNullOrEmpty(ns) && File.Exists(nsFile))
        {
            ns = File.ReadAllText(nsFile).Trim();
        }
        // JoinHostPort: an IPv6 host is bracketed.
        var authority = IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]:{port}" : $"{host}:{port}";
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        return new KubeClientConfig
        {
            Server = new Uri("https://" + authority),
            Namespace = string.IsNullOrEmpty(ns) ? "default" : ns,
            Tokens = new FileTokenSource(tokenFile, timeProvider),
            CertificateAuthorities = roots,
        };
    }
}
