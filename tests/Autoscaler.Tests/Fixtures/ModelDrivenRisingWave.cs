using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Simulator.Model;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Autoscaler.Tests.Fixtures;

/// <summary>
/// A RisingWave cluster played by the simulator's cluster model in real time: the model's compute and compactor
/// replicas follow the StatefulSet and Deployment our operator manages on the fake API server (so the daemon's patch
/// reaches the model through the operator), and every step's sample becomes the metrics of
/// <see cref="SimulatedRisingWave"/>'s pods, which a real Prometheus scrapes.
/// </summary>
internal sealed class ModelDrivenRisingWave : IAsyncDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);
    private readonly FakeApiServer _server;
    private readonly ClusterModel _model;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private double _ingest;

    public ModelDrivenRisingWave(FakeApiServer server, SimulatedRisingWave exporter, ModelParameters parameters, double ingest)
    {
        _server = server;
        Exporter = exporter;
        _ingest = ingest;
        _model = new ClusterModel(parameters, Step, computeReplicas: exporter.ComputeReplicas, compactorReplicas: exporter.CompactorReplicas);
        _loop = Task.Run(RunAsync);
    }

    public SimulatedRisingWave Exporter { get; }

    /// <summary>Events/s the producers write now.</summary>
    public double Ingest
    {
        get => Volatile.Read(ref _ingest);
        set => Volatile.Write(ref _ingest, value);
    }

    public ModelSample Last { get; private set; }

    /// <summary>Parameters for a cluster that reacts in seconds: 1,000 events/s per 2-core replica, pods ready after 1 s.</summary>
    public static ModelParameters FastParameters() => new()
    {
        Compute = new ComputeParameters { CoresPerReplica = 2, EventsPerCoreSecond = 500, Partitions = 64, MaxReplicas = 16 },
        Rescale = new RescaleParameters
        {
            PodStartDelay = TimeSpan.FromSeconds(1),
            RescheduleTick = TimeSpan.FromSeconds(1),
            ReschedulePauseBase = TimeSpan.FromMilliseconds(200),
            PausePerActor = TimeSpan.Zero,
            RecoveryTime = TimeSpan.FromSeconds(1),
            WarmupDuration = TimeSpan.Zero,
            CompactorStartDelay = TimeSpan.FromSeconds(1),
            CompactorTaskLoss = TimeSpan.FromSeconds(1),
        },
        Latency = new LatencyParameters { LagRefreshInterval = TimeSpan.FromSeconds(1), MaxQueueingUtilization = 0.8, MaxOverloadLatency = TimeSpan.FromSeconds(2) },
        Compactor = new CompactorParameters { CoresPerReplica = 1 },
    };

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Step);
        var started = DateTime.UtcNow;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Follow(ResourceType.StatefulSets, $"{Exporter.Name}-compute", n => _model.ComputeTarget != n, _model.ScaleCompute);
                Follow(ResourceType.Deployments, $"{Exporter.Name}-compactor", n => _model.CompactorTarget != n, _model.ScaleCompactor);
                var elapsed = (DateTime.UtcNow - started).TotalSeconds;
                while (_model.Now + Step.TotalSeconds <= elapsed)
                {
                    Last = _model.Step(Ingest);
                }

                var s = Last;
                Exporter.ComputeReplicas = s.ComputeReady;
                Exporter.CompactorReplicas = _model.CompactorReady;
                Exporter.Load = new RisingWaveLoad
                {
                    IngestRate = s.IngestRate,
                    ProcessedRate = s.ProcessedRate,
                    BusyRatio = s.BusyRatio,
                    BackpressureRatio = s.BackpressureRatio,
                    ComputeCpu = s.ComputeCpu,
                    CompactorCpu = s.CompactorCpu,
                    BarrierLatency = s.BarrierLatency,
                    CompactionPendingBytes = s.CompactionPendingBytes,
                    CompactionRunningSlots = s.CompactionRunningSlots,
                    WriteStop = s.WriteStop > 0,
                };
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Follow(ResourceType type, string name, Func<int, bool> differs, Action<int> scale)
    {
        if (_server.GetObject(type, Exporter.Namespace, name)?["spec"]?["replicas"] is JsonValue value && value.TryGetValue<int>(out var replicas) && differs(replicas))
        {
            scale(replicas);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
