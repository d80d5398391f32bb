namespace RwAutoscaler.Autoscaler.Prometheus;

/// <summary>Why a query failed, so that callers and metrics can tell an outage from a broken query.</summary>
internal enum PrometheusErrorKind
{
    /// <summary>No connection (refused, DNS, TLS handshake).</summary>
    Unreachable,
    /// <summary>No answer within the timeout.</summary>
    Timeout,
    /// <summary>401 or 403: credentials missing or wrong.</summary>
    Unauthorized,
    /// <summary>The server rejected the query (bad_data, execution errors): a bug in the query or its parameters.</summary>
    BadQuery,
    /// <summary>5xx or an answer that is not the query API's JSON.</summary>
    ServerError,
    /// <summary>The answer carried warnings and partial responses are denied.</summary>
    PartialResponse,
}

internal sealed class PrometheusException : Exception
{
    public PrometheusException()
    {
    }

    public PrometheusException(string message) : base(message)
    {
    }

    public PrometheusException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public PrometheusException(PrometheusErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException) => Kind = kind;

    public PrometheusErrorKind Kind { get; } = PrometheusErrorKind.ServerError;

    /// <summary>The API's <c>errorType</c> (bad_data, execution, timeout, ...), when it sent one.</summary>
    public string? ErrorType { get; init; }

    /// <summary>True when the endpoint itself is out of reach, as opposed to one query going wrong.</summary>

}
