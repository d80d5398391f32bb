using System.Collections.Concurrent;
using System.Text;

namespace RwAutoscaler.Hosting.Metrics;

/// <summary>
/// The metrics a process exports, written in the Prometheus text exposition format 0.0.4 (checked by
/// <c>promtool check metrics</c> in the tests). A small stand-in for prometheus-net, which the mirror lacks.
/// </summary>
public sealed class MetricRegistry
{
    private readonly ConcurrentDictionary<string, Metric> _metrics = new(StringComparer.Ordinal);

    public Counter Counter(string name, string help, params string[] labelNames) =>
        Register(new Counter(name, help, labelNames));

    public Gauge Gauge(string name, string help, params string[] labelNames) =>
        Register(new Gauge(name, help, labelNames));

    public Histogram Histogram(string name, string help, double[] buckets, params string[] labelNames) =>
        Register(new Histogram(name, help, buckets, labelNames));

    /// <summary>The whole exposition, metrics in name order.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var metric in _metrics.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            metric.Write(text);
        }

        return text.ToString();
    }

    private T Register<T>(T metric)
        where T : Metric
    {
        var existing = _metrics.GetOrAdd(metric.Name, metric);
        return existing as T ?? throw new InvalidOperationException($"metric {metric.Name} is already registered as a {existing.Type}");
    }
}
