namespace RwAutoscaler.Kube.Models;

/// <summary>metav1.DeleteOptions, sent as the DELETE body.</summary>
public sealed record DeleteOptions
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "DeleteOptions";

    /// <summary>Orphan, Background or Foreground; the server default is Background for most kinds.</summary>
    public string? PropagationPolicy { get; init; }

    public long? GracePeriodSeconds { get; init; }

    public Preconditions? Preconditions { get; init; }

    public static DeleteOptions Propagation(string policy) => new() { PropagationPolicy = policy };
}

public sealed record Preconditions
{
    public string? Uid { get; init; }

    public string? ResourceVersion { get; init; }
}
