namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>How a watch from a resourceVersion older than the history window is refused.</summary>
public enum ExpiredWatchForm
{
    /// <summary>HTTP 410 with a Status body, as when the watch cache rejects the watch up front.</summary>
    HttpStatus,

    /// <summary>HTTP 200, then one ERROR event carrying the 410 Expired Status.</summary>
    ErrorEvent,
}

public sealed record FakeApiServerOptions
{
    /// <summary>Clock for creationTimestamp, deletionTimestamp, AGE, continue-token expiry and watch timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Events kept for watch resume; a watch from before them is 410 Expired.</summary>
    public int HistoryLimit { get; init; } = 10_000;

    /// <summary>Live events a watcher may leave unread before it is sent 410 and closed.</summary>
    public int WatchBufferLimit { get; init; } = 10_000;

    /// <summary>The apiserver's --min-request-timeout: a watch without timeoutSeconds ends after [1x, 2x) of it.</summary>
    public TimeSpan MinRequestTimeout { get; init; } = TimeSpan.FromSeconds(1800);

    /// <summary>Period of BOOKMARK events for watches that allow them; null sends them only at timeout or on request.</summary>
    public TimeSpan? BookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);

    public ExpiredWatchForm ExpiredWatchForm { get; init; } = ExpiredWatchForm.HttpStatus;

    /// <summary>Garbage collection by owner UID and namespace cleanup (off: like envtest, nothing cleans up).</summary>
    public bool GarbageCollection { get; init; }

    /// <summary>Deployments and StatefulSets get status from a stand-in controller.</summary>
    public bool WorkloadControllers { get; init; }

    /// <summary>Serve HTTPS with this certificate (with its private key); clients may present certificates, which are recorded.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ServerCertificate { get; init; }
}

/// <summary>A request the fake served, for tests that check what a client sent.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string Accept, string? ContentType, string UserAgent, int StatusCode)
{
    public string? Authorization { get; init; }

    /// <summary>The subject of the client certificate presented over TLS, if any.</summary>
    public string? ClientCertificate { get; init; }
}
