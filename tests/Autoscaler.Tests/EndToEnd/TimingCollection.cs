using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.EndToEnd;

/// <summary>
/// Tests that measure how fast the daemon reacts run alone, after the parallel ones: on a two-core machine, other tests
/// starting Prometheus servers and CLI processes beside them (the doctor's, the replays') delay the reaction they time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
