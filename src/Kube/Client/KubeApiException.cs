using System.Net;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Client;

/// <summary>
/// Any non-2xx answer (and an ERROR watch event), with the server's <see cref="Models.Status"/> body.
/// Branch on <see cref="Code"/> and <see cref="Reason"/>, never on the message.
/// </summary>
public sealed class KubeApiException : Exception
{
    public KubeApiException()
        : this(new Status { Outcome = "Failure", Message = "unknown error" })
    {
    }

    public KubeApiException(string message)
        : this(new Status { Outcome = "Failure", Message = message })
    {
    }

    public KubeApiException(string message, Exception innerException)
        : base(message, innerException) => Status = new Status { Outcome = "Failure", Message = message };

    public KubeApiException(Status status, TimeSpan? retryAfter = null)
        : base(Describe(status)) => (Status, RetryAfter) = (status, retryAfter);

    public Status Status { get; }

    public int Code => Status.Code ?? 0;

    public string Reason => Status.Reason ?? "";

    /// <summary>From the Retry-After header or details.retryAfterSeconds, when the server sent one.</summary>
    public TimeSpan? RetryAfter { get; }

    public bool IsNotFound => Code == (int)HttpStatusCode.NotFound;

    public bool IsConflict => Code == (int)HttpStatusCode.Conflict && Reason == "Conflict";

    public bool IsAlreadyExists => Code == (int)HttpStatusCode.Conflict && Reason == "AlreadyExists";

    /// <summary>410 with reason Expired, or Gone as servers up to 1.17 sent it (client-go isExpiredError).</summary>
    public bool IsExpired => Code == (int)HttpStatusCode.Gone || Reason is "Expired" or "Gone";

    public bool IsInvalid => Code == (int)HttpStatusCode.UnprocessableEntity || Reason == "Invalid";

    public bool IsTooManyRequests => Code == (int)HttpStatusCode.TooManyRequests;

    private static string Describe(Status status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return $"{status.Code} {status.Reason}: {status.Message}";
    }
}
