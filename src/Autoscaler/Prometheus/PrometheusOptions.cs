namespace RwAutoscaler.Autoscaler.Prometheus;

/// <summary>What to do with a response that carries warnings (a partial result from Thanos or a federated setup).</summary>
internal enum PartialResponse
{
    /// <summary>Use what came back and report the warnings: a cluster whose series are missing simply lacks signals.</summary>
    Allow,

    /// <summary>Treat any warning as a failed query (and ask Thanos for <c>partial_response=false</c>).</summary>
    Deny,
}

/// <summary>Where a Prometheus HTTP API is and how to reach it.</summary>
internal sealed record PrometheusOptions
{
    /// <summary>Base address, possibly with a path prefix (<c>http://thanos-query:9090/prometheus</c>).</summary>
    public required Uri Address { get; init; }

    public string? BearerToken { get; init; }

    /// <summary>A file holding the bearer token; re-read when it changes (projected service-account tokens rotate).</summary>
    public string? BearerTokenFile { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? PasswordFile { get; init; }

    /// <summary>PEM bundle of the certificate authorities to trust; when set, only these are trusted.</summary>
    public string? CaFile { get; init; }

    /// <summary>The same as <see cref="CaFile"/>, given inline (read from a Secret).</summary>
    public string? CaPem { get; init; }

    /// <summary>Client certificate and key (PEM) for mutual TLS.</summary>
    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    public bool InsecureSkipVerify { get; init; }

    /// <summary>Per request; also sent to Prometheus as its query <c>timeout</c>.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Extra headers, e.g. <c>X-Scope-OrgID</c> for a multi-tenant Mimir or Cortex.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public PartialResponse PartialResponse { get; init; } = PartialResponse.Allow;

    /// <summary>A stable text naming the endpoint and its credentials, for grouping clusters that share one.</summary>
    public string Identity => string.Join(
        '|',
        Address.AbsoluteUri.TrimEnd('/'),
        BearerTokenFile ?? (BearerToken is null ? "" : "token:" + BearerToken.GetHashCode(StringComparison.Ordinal)),
        Username ?? "",
        PasswordFile ?? (Password is null ? "" : "password:" + Password.GetHashCode(StringComparison.Ordinal)),
        CaFile ?? (CaPem is null ? "" : "ca:" + CaPem.GetHashCode(StringComparison.Ordinal)),
        CertFile ?? "",
        InsecureSkipVerify ? "insecure" : "",
        string.Join(',', Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => h.Key + "=" + h.Value)),
        PartialResponse.ToString());
}

/// <summary>What may be shown of a Prometheus address: never the credentials of a <c>user:password@</c> part.</summary>
internal static class PrometheusAddress
{
    public static string Redact(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.UserInfo.Length == 0 ? address.AbsoluteUri : new UriBuilder(address) { UserName = "***", Password = "" }.Uri.AbsoluteUri;
    }

    /// <summary>
    /// True when <paramref name="address"/> is under one of <paramref name="allowed"/>: same scheme, host and port, and
    /// a path that starts with the allowed one at a segment boundary. Credentials in either are ignored.
    /// </summary>
    public static bool IsAllowed(Uri address, IReadOnlyList<Uri> allowed)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(allowed);
        return allowed.Any(a =>
        {
            if (!string.Equals(a.Scheme, address.Scheme, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(a.IdnHost, address.IdnHost, StringComparison.OrdinalIgnoreCase) || a.Port != address.Port)
            {
                return false;
            }

            var prefix = a.AbsolutePath.TrimEnd('/');
            var path = address.AbsolutePath.TrimEnd('/');
            return path.Length == prefix.Length ? path == prefix : path.StartsWith(prefix + "/", StringComparison.Ordinal);
        });
    }
}
