using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using RwAutoscaler.Kube.Config;

namespace RwAutoscaler.Kube.Client;

/// <summary>Builds the HTTP stack for a <see cref="KubeClientConfig"/>: TLS trust, client certificate, bearer token.</summary>
internal static class KubeHttpHandler
{
    public static HttpMessageHandler Create(KubeClientConfig config)
    {
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = true,
        };
        if (config.ClientCertificate is not null)
        {
            sockets.SslOptions.ClientCertificates = [config.ClientCertificate];
        }
        if (config.TlsServerName is not null)
        {
            sockets.SslOptions.TargetHost = config.TlsServerName;
        }
        if (config.InsecureSkipTlsVerify)
        {
            // The user asked for it in kubeconfig (insecure-skip-tls-verify), as kubectl allows.
#pragma warning disable CA5359
            sockets.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (config.CertificateAuthorities is { Count: > 0 } roots)
        {
            sockets.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                ValidateAgainst(roots, certificate as X509Certificate2, errors);
        }
        return config.Tokens is null ? sockets : new BearerTokenHandler(config.Tokens, sockets);
    }

    /// <summary>Trusts exactly the configured roots (like client-go's CA file), still checking the host name.</summary>
    internal static bool ValidateAgainst(X509Certificate2Collection roots, X509Certificate2? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private sealed class BearerTokenHandler(ITokenSource tokens, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var token = await tokens.GetTokenAsync(cancellationToken);
            if (!string.IsNullOrEmpty(token))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
