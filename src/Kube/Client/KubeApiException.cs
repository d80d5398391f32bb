using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace RwAutoscaler.Kube.Client;

/// <summary>
/// Any non-2xx answer (and an ERROR watch event), with the server's Status body: what the official client
/// throws (<see cref="HttpOperationException"/>, <see cref="KubernetesException"/>) as one type.
/// Branch on <see cref="Code"/> and <see cref="Reason"/>, never on the message.
/// </summary>
public sealed class KubeApiException : Exception
{
    public KubeApiException()
        : this(new V1Status { Status = "Failure", Message = "unknown error" })
    {
    }

    public KubeApiException(string message)
        : this(new V1Status { Status = "Failure", Message = message })
    {
    }

    public KubeApiException(string message, Exception innerException)
        : base(message, innerException) => Status = new V1Status { Status = "Failure", Message = message };

    public KubeApiException(V1Status status, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(Describe(status), innerException) => (Status, RetryAfter) = (status, retryAfter);

    public V1Status Status { get; }

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

    /// <summary>Runs one call of the official client, turning its HTTP errors into <see cref="KubeApiException"/>.</summary>
    public static async Task<T> Translate<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (HttpOperationException e)
        {
            throw From(e);
        }
        catch (KubernetesException e)
        {
            throw From(e);
        }
    }

    /// <summary>A watch ERROR event (the library's KubernetesException), with the server's Status.</summary>
    internal static KubeApiException From(KubernetesException e) =>
        new(e.Status ?? new V1Status { Status = "Failure", Message = e.Message }, null, e);

    internal static KubeApiException From(HttpOperationException e)
    {
        var response = e.Response;
        var text = response?.Content ?? "";
        V1Status? status = null;
        try
        {
            status = KubernetesJson.Deserialize<V1Status>(text);
        }
        catch (JsonException)
        {
            // Not a Status (a proxy's HTML page, say): synthesise one below from the HTTP status.
        }

        var code = response is null ? 0 : (int)response.StatusCode;
        if (status is null || !string.Equals(status.Kind, "Status", StringComparison.Ordinal))
        {
            status = new V1Status
            {
                Status = "Failure",
                Code = code,
                Reason = response?.ReasonPhrase?.Replace(" ", "", StringComparison.Ordinal),
                Message = text.Length > 512 ? text[..512] : text,
            };
        }

        status.Code ??= code;
        TimeSpan? retryAfter = status.Details?.RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        return new KubeApiException(status, retryAfter, e);
    }

    private static string Describe(V1Status status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return $"{status.Code} {status.Reason}: {status.Message}";
    }
}
