using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace RwAutoscaler.Hosting.Metrics;

public static class MetricsEndpoint
{
    /// <summary>The content type Prometheus expects for the text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Serves the registry at <c>/metrics</c>.</summary>
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder endpoints, MetricRegistry registry, string path = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(registry);
        return endpoints.MapGet(path, (HttpContext context) => Results.Text(registry.Render(), ContentType));
    }
}
