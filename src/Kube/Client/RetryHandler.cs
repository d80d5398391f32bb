using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace RwAutoscaler.Kube.Client;

/// <summary>
/// The retries the official client leaves to its user, as the API conventions ask for them: 429 on any verb
/// (the server did nothing), 5xx and dropped connections on idempotent verbs only (GET, PUT, DELETE);
/// exponential backoff with jitter, capped, and a server's Retry-After honoured up to a cap.
/// </summary>
internal sealed partial class RetryHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;
    private readonly ILogger logger;

    public RetryHandler(KubeClientOptions options, ILogger logger)
    {
        this.logger = logger;
        pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.InitialBackoff,
                MaxDelay = options.MaxBackoff,
                ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && ShouldRetry(args.Context, args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.MaxRetryAfter)),
                OnRetry = args =>
                {
                    var request = args.Context.Properties.GetValue(RequestKey, null!);
                    LogRetry(this.logger, request.Method, request.RequestUri?.PathAndQuery, args.AttemptNumber + 1, args.RetryDelay,
                        args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : args.Outcome.Exception?.Message);
                    return default;
                },
            })
            .Build();
    }

    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("request");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            return await pipeline.ExecuteAsync(
                static (ctx, state) => new ValueTask<HttpResponseMessage>(state.Handler.SendBase(state.Request, ctx.CancellationToken)),
                context,
                (Handler: this, Request: request));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendBase(HttpRequestMessage request, CancellationToken cancellationToken) => base.SendAsync(request, cancellationToken);

    private static bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome)
    {
        var method = context.Properties.GetValue(RequestKey, null!).Method;
        var idempotent = method == HttpMethod.Get || method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Head;
        return outcome switch
        {
            { Result.StatusCode: HttpStatusCode.TooManyRequests } => true,
            { Result: { } response } => idempotent && (int)response.StatusCode >= 500,
            { Exception: HttpRequestException } => idempotent,
            _ => false,
        };
    }

    /// <summary>The server's Retry-After (seconds or a date), capped; null lets the backoff decide.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan cap)
    {
        var header = response?.Headers.RetryAfter;
        TimeSpan? wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return wait is { } w ? TimeSpan.FromTicks(Math.Clamp(w.Ticks, 0, cap.Ticks)) : null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path}: retry {Attempt} in {Delay} after {Outcome}")]
    private static partial void LogRetry(ILogger logger, HttpMethod method, string? path, int attempt, TimeSpan delay, string? outcome);
}
