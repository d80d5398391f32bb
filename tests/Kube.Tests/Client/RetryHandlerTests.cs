using System.Net;
using System.Net.Http.Headers;
using RwAutoscaler.Kube.Client;

namespace RwAutoscaler.Kube.Tests.Client;

/// <summary>How long the retry handler waits when the server says (the end-to-end retries are in FaultTests).</summary>
public sealed class RetryHandlerTests
{
    [Theory]
    [InlineData(5, 5)] // honoured
    [InlineData(600, 30)] // capped at KubeClientOptions.MaxRetryAfter
    [InlineData(0, 0)]
    public void retry_after_seconds_are_honoured_up_to_the_cap(int askedSeconds, int waitedSeconds)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(askedSeconds));
        Assert.Equal(TimeSpan.FromSeconds(waitedSeconds), RetryHandler.RetryAfter(response, new KubeClientOptions().MaxRetryAfter));
    }

    [Fact]
    public void a_retry_after_date_in_the_past_means_now_and_no_header_leaves_it_to_the_backoff()
    {
        using var dated = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        dated.Headers.RetryAfter = new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(TimeSpan.Zero, RetryHandler.RetryAfter(dated, TimeSpan.FromSeconds(30)));
        using var bare = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        Assert.Null(RetryHandler.RetryAfter(bare, TimeSpan.FromSeconds(30)));
    }
}
