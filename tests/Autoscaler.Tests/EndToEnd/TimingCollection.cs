using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.EndToEnd;

/// <summary>
/// Tests that time the daemon run alone, after the parallel ones: how fast an alert is acted on, how soon a standby takes
/// a 3-second lease over. On a two-core machine, other tests starting Prometheus servers and running commands beside
/// them starve the thread pool for seconds (a CI run saw a standby not lead within 30 s) and delay what they time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
