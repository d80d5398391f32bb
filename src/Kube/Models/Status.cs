using System.Text.Json.Serialization;

namespace RwAutoscaler.Kube.Models;

/// <summary>metav1.Status: the body of every error response and of some successful deletes.</summary>
public sealed record Status
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "Status";

    public ListMeta? Metadata { get; init; }

    /// <summary>Success or Failure.</summary>
    [JsonPropertyName("status")]
    public string? Outcome { get; init; }

    public string? Message { get; init; }

    public string? Reason { get; init; }

    public StatusDetails? Details { get; init; }

    public int? Code { get; init; }
}

public sealed record StatusDetails
{
    public string? Name { get; init; }

    public string? Group { get; init; }

    /// <summary>The plural resource name (not the Kind), as the server fills it.</summary>
    public string? Kind { get; init; }

    public string? Uid { get; init; }

    public IReadOnlyList<StatusCause>? Causes { get; init; }

    public int? RetryAfterSeconds { get; init; }
}

public sealed record StatusCause
{
    public string? Reason { get; init; }

    public string? Message { get; init; }

    public string? Field { get; init; }
}
