using Microsoft.Extensions.Logging;

namespace RwAutoscaler.Kube.Client;

/// <summary>Behaviour of a <see cref="KubernetesClient"/> that does not depend on which cluster it talks to.</summary>
public sealed record KubeClientOptions
{
    /// <summary>Per-request timeout for everything but watches (the C# client's HttpClientTimeout, 100 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Retries after 429, after 5xx and transport errors on idempotent calls (GET, PUT, DELETE).</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>First backoff step; doubles per attempt up to <see cref="MaxBackoff"/>; each wait is a random 50-100 % of its step.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest Retry-After honoured; a server asking for more gets this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    public string UserAgent { get; init; } = "rwautoscaler-kube/1.0";

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILoggerFactory? LoggerFactory { get; init; }
}
