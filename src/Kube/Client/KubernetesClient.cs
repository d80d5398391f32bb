using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RwAutoscaler.Kube.Config;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Client;

/// <summary>
/// The HTTP core: one HttpClient (no global timeout, per-request cancellation instead, so watches can
/// stay open), error bodies parsed into <see cref="KubeApiException"/>, and the retry policy of the
/// API conventions: 429 honours Retry-After, idempotent calls retry 5xx and transport errors with
/// exponential backoff and jitter. Resource access goes through <see cref="Resource{T}()"/>.
/// </summary>
public sealed partial class KubernetesClient : IDisposable
{
    private readonly HttpClient http;
    private readonly ILogger logger;

    public KubernetesClient(KubeClientConfig config, KubeClientOptions? options = null)
        : this(config, KubeHttpHandler.Create(config ?? throw new ArgumentNullException(nameof(config))), options)
    {
    }

    internal KubernetesClient(KubeClientConfig config, HttpMessageHandler handler, KubeClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        Options = options ?? new KubeClientOptions();
        http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = config.Server,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd(Options.UserAgent);
        logger = Options.LoggerFactory?.CreateLogger<KubernetesClient>() ?? NullLogger<KubernetesClient>.Instance;
    }

    public KubeClientConfig Config { get; }

    public KubeClientOptions Options { get; }

    public string DefaultNamespace => Config.Namespace;

    internal TimeProvider Time => Options.TimeProvider;

    /// <summary>Typed access to a kind that knows its resource (built-in models, or your own CR records).</summary>
    public ResourceClient<T> Resource<T>()
        where T : class, IKubernetesObject<T> =>
        new(this, T.Resource, ResourceCodecs.Typed<T>());

    /// <summary>Untyped access by group/version/resource; unknown fields are kept as they are.</summary>
    public ResourceClient<JsonObject> Resource(ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new(this, type, ResourceCodecs.Json);
    }

    /// <summary>GET of any path (discovery, /version, ...), parsed as JSON.</summary>
    public async Task<JsonNode?> GetRawAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, stream: false, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonNode.ParseAsync(body, cancellationToken: cancellationToken);
    }

    public void Dispose() => http.Dispose();

    /// <summary>A request body kept as bytes so that a retry can send it again.</summary>
    internal sealed record Body(byte[] Content, string ContentType);

    /// <summary>
    /// Sends with retries and returns a successful response (the caller disposes it), or throws
    /// <see cref="KubeApiException"/> with the server's Status.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, Body? body, bool stream, CancellationToken cancellationToken)
    {
        var idempotent = method == HttpMethod.Get || method == HttpMethod.Put || method == HttpMethod.Delete;
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, pathAndQuery);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body.Content);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(body.ContentType);
            }

            HttpResponseMessage response;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.RequestTimeout);
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (!stream && response.IsSuccessStatusCode)
                {
                    // Buffer under the same timeout, so a stalled body cannot hang a non-watch call.
                    await response.Content.LoadIntoBufferAsync(timeout.Token);
                }
            }
            catch (HttpRequestException e) when (idempotent && attempt < Options.MaxRetries)
            {
                LogTransportRetry(logger, method, pathAndQuery, attempt + 1, e.Message);
                await Task.Delay(Backoff(attempt), Time, cancellationToken);
                continue;
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{method} {pathAndQuery} did not answer within {Options.RequestTimeout}", e);
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                var error = await ReadErrorAsync(response, cancellationToken);
                var retryable = response.StatusCode == HttpStatusCode.TooManyRequests
                    || (idempotent && (int)response.StatusCode >= 500);
                if (!retryable || attempt >= Options.MaxRetries)
                {
                    throw error;
                }
                var delay = error.RetryAfter ?? Backoff(attempt);
                LogStatusRetry(logger, method, pathAndQuery, (int)response.StatusCode, attempt + 1, delay);
                await Task.Delay(delay, Time, cancellationToken);
            }
        }
    }

    internal static async Task<KubeApiException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Status? status = null;
        try
        {
            status = JsonSerializer.Deserialize(text, KubeJsonContext.Default.Status);
        }
        catch (JsonException)
        {
            // Not a Status (a proxy's HTML page, say): synthesise one below from the HTTP status.
        }
        if (status is null || !string.Equals(status.Kind, "Status", StringComparison.Ordinal))
        {
            status = new Status
            {
                Outcome = "Failure",
                Code = (int)response.StatusCode,
                Reason = response.ReasonPhrase?.Replace(" ", "", StringComparison.Ordinal),
                Message = text.Length > 512 ? text[..512] : text,
            };
        }
        status = status with { Code = status.Code ?? (int)response.StatusCode };
        return new KubeApiException(status, RetryAfter(response, status));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, Status status)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return status.Details?.RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
    }

    internal TimeSpan Backoff(int attempt)
    {
        var cap = Math.Min(Options.MaxBackoff.TotalMilliseconds, Options.InitialBackoff.TotalMilliseconds * Math.Pow(2, attempt));
#pragma warning disable CA5394 // jitter, not security
        return TimeSpan.FromMilliseconds(cap * (0.5 + (Random.Shared.NextDouble() / 2)));
#pragma warning restore CA5394
    }

    internal static Body JsonBody(string json, string contentType = "application/json") => new(Encoding.UTF8.GetBytes(json), contentType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path}: transport error, retry {Attempt}: {Error}")]
    private static partial void LogTransportRetry(ILogger logger, HttpMethod method, string path, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path}: HTTP {Code}, retry {Attempt} in {Delay}")]
    private static partial void LogStatusRetry(ILogger logger, HttpMethod method, string path, int code, int attempt, TimeSpan delay);
}
