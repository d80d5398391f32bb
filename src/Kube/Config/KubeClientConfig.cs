using System.Security.Cryptography.X509Certificates;

namespace RwAutoscaler.Kube.Config;

/// <summary>
/// Where the API server is and how to authenticate: built by <see cref="KubeConfigLoader"/>,
/// <see cref="InClusterConfig"/>, or by hand in tests.
/// </summary>
public sealed record KubeClientConfig
{
    public required Uri Server { get; init; }

    /// <summary>The namespace calls default to when they name none.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Supplies the bearer token per request (static, token file re-read, exec plugin).</summary>
    public ITokenSource? Tokens { get; init; }

    /// <summary>Extra roots to trust for the server certificate; when set, only these are trusted.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    public X509Certificate2? ClientCertificate { get; init; }

    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>The name to check the server certificate against when it differs from the host in <see cref="Server"/>.</summary>
    public string? TlsServerName { get; init; }
}
