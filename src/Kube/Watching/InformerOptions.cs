namespace RwAutoscaler.Kube.Watching;

public sealed record InformerOptions
{
    /// <summary>Null watches all namespaces.</summary>
    public string? Namespace { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>LIST page size.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>
    /// Each watch asks the server to end after a random time in [MinWatchTimeout, 2*MinWatchTimeout)
    /// (client-go reflector: 5 minutes), so that a silently dead connection is noticed.
    /// </summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Backoff after a failed list or watch: doubles from here up to <see cref="MaxBackoff"/> (client-go: 800 ms to 30 s), with jitter.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
