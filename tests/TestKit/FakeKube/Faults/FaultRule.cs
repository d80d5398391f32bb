using Microsoft.AspNetCore.Http;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// One injected fault: which requests it hits (Kubernetes verb, a path fragment, any predicate),
/// how many times (null: until removed), and what happens to them.
/// </summary>
public sealed record FaultRule
{
    /// <summary>get, list, watch, create, update, patch or delete; null matches all.</summary>
    public string? Verb { get; init; }

    /// <summary>A substring of the request path, e.g. "/leases/" or "/deployments/rw-meta"; null matches all.</summary>
    public string? PathContains { get; init; }

    /// <summary>Any further condition, e.g. on the User-Agent to fault one client of several.</summary>
    public Func<HttpRequest, bool>? When { get; init; }

    public int? Times { get; init; }

    public required FaultAction Action { get; init; }

    public static FaultRule Respond(int statusCode, TimeSpan? retryAfter = null) => new() { Action = new FaultAction.Respond(statusCode, retryAfter) };

    public static FaultRule Delay(TimeSpan latency) => new() { Action = new FaultAction.Delay(latency) };

    public static FaultRule DropConnection() => new() { Action = new FaultAction.Drop() };

    /// <summary>Cuts each matching watch stream, mid-line, after the number of events <paramref name="eventsBeforeCut"/> returns.</summary>
    public static FaultRule CutWatch(Func<int> eventsBeforeCut) => new() { Verb = "watch", Action = new FaultAction.CutWatch(eventsBeforeCut) };
}

/// <summary>What a fault does.</summary>
public abstract record FaultAction
{
    private FaultAction()
    {
    }

    /// <summary>Answers with this status code and a matching Status body (and a Retry-After header when given).</summary>
    public sealed record Respond(int StatusCode, TimeSpan? RetryAfter = null) : FaultAction;

    /// <summary>Waits (wall clock) before serving the request normally.</summary>
    public sealed record Delay(TimeSpan Latency) : FaultAction;

    /// <summary>Aborts the connection without an answer.</summary>
    public sealed record Drop : FaultAction;

    /// <summary>Serves the watch, then aborts it in the middle of an event line.</summary>
    public sealed record CutWatch(Func<int> EventsBeforeCut) : FaultAction;
}
