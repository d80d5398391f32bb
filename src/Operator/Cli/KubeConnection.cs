using System.Security.Cryptography.X509Certificates;
using RwAutoscaler.Kube.Config;

namespace RwAutoscaler.Operator.Cli;

/// <summary>
/// Where the API server is: --server (with an optional --token-file), else the in-cluster service
/// account. A kubeconfig loader is coming in src/Kube (issue 4); until then these two cover the pod and
/// a local API server.
/// </summary>
internal static class KubeConnection
{
    private const string ServiceAccount = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static KubeClientConfig Resolve(string? server, string? tokenFile, bool insecureSkipTlsVerify)
    {
        if (server is not null)
        {
            if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"--server: expected an http(s) URL such as https://10.0.0.1:6443, got '{server}'");
            }

            return new KubeClientConfig
            {
                Server = uri,
                Tokens = tokenFile is null ? null : new FileTokenSource(tokenFile),
                InsecureSkipTlsVerify = insecureSkipTlsVerify,
            };
        }

        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new ArgumentException("--server is required outside a cluster (KUBERNETES_SERVICE_HOST is not set)");
        }

        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(Path.Combine(ServiceAccount, "ca.crt"));
        return new KubeClientConfig
        {
            Server = new Uri($"https://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}"),
            Namespace = File.ReadAllText(Path.Combine(ServiceAccount, "namespace")).Trim(),
            Tokens = new FileTokenSource(tokenFile ?? Path.Combine(ServiceAccount, "token")),
            CertificateAuthorities = authorities,
        };
    }
}
