using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Simulator.Model;
using RwAutoscaler.Simulator.Scenarios;
using RwAutoscaler.Simulator.Scoring;
using RwAutoscaler.Simulator.Workloads;

namespace RwAutoscaler.Simulator.Running;

/// <summary>
/// The simulator as a host of the engine, driven exactly as the daemon drives it: every poll interval it builds
/// the observation from the last minutes of signals, asks the <see cref="ScalingSession"/> to decide, applies
/// the new replica count of each changed component unless a rescale is still in progress, and records the
/// decision with whether it acted. Between polls the cluster model advances one step at a time.
/// </summary>
internal sealed class SimulationRunner
{
    private static readonly Signal[] Shared =
    [
        Signal.IngestRate, Signal.ProcessedRate, Signal.BusyRatio, Signal.BackpressureRatio, Signal.BarrierLatencyP99,
        Signal.SourceLagMessages, Signal.SourceLagSeconds, Signal.CompactionPendingBytes, Signal.CompactionRunningSlots, Signal.L0WriteStop,
        Signal.BarrierLatencyP99Capped,
    ];

    private readonly Scenario _scenario;
    private readonly Trace _workload;
    private readonly LowerBound _bound;

    public SimulationRunner(Scenario scenario, Trace workload, LowerBound bound)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(bound);
        if (workload.Step != scenario.Step)
        {
            throw new ArgumentException($"the workload's step {workload.Step} is not the scenario's {scenario.Step}", nameof(workload));
        }

        _scenario = scenario;
        _workload = workload;
        _bound = bound;
    }

    /// <summary>
    /// Runs one policy; <paramref name="progress"/> gets the fraction done now and then, <paramref name="decisions"/>
    /// every decision with whether the host acted on each component; <paramref name="registry"/> adds policy types.
    /// </summary>
    public RunResult Run(
        PolicyFile policy,
        bool recordTimeline,
        IProgress<double>? progress = null,
        Action<ClusterDecision, bool[]>? decisions = null,
        PolicyRegistry? registry = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var step = _scenario.Step;
        var ticksPerPoll = policy.PollInterval.Ticks / step.Ticks;
        if (ticksPerPoll < 1 || policy.PollInterval.Ticks % step.Ticks != 0)
        {
            throw new SpecException(policy.Source, [new SpecError("pollInterval", $"{policy.PollInterval.TotalSeconds:0.###}s must be a multiple of the scenario's step ({step.TotalSeconds:0.###}s)")]);
        }

        var model = _scenario.Model;
        var capped = policy.CappedAt(model.Compute.MaxReplicas, model.Compactor.MaxReplicas);
        var session = new ScalingSession(new ScalingEngine(capped.Spec, registry));
        var (computeStart, compactorStart) = _bound.Initial(step);
        var cluster = new ClusterModel(
            model,
            step,
            model.Compute.InitialReplicas ?? Within(capped, ComponentKind.Compute, computeStart),
            model.Compactor.InitialReplicas ?? Within(capped, ComponentKind.Compactor, compactorStart));
        var signals = new Signals(SignalHorizon.Of(capped.Spec, _scenario.SignalWindow), step);
        var values = _workload.Values;
        var scores = new ScoreKeeper(_scenario.Slo, model, step, values.Length);
        var timeline = recordTimeline ? new Timeline(step, values.Length) : null;
        var report = Math.Max(1, values.Length / 200);
        var rescales = new List<Rescale>();

        for (var i = 0; i < values.Length; i++)
        {
            if (i % ticksPerPoll == 0)
            {
                Tick(session, cluster, signals, scores, rescales, _scenario.Start + (step * i), decisions);
            }

            var sample = cluster.Step(values[i]);
            signals.Append(_scenario.Start + (step * (i + 1)), sample);
            scores.Add(sample);
            timeline?.Add(sample);
            if (i % report == 0)
            {
                cancellation.ThrowIfCancellationRequested();
                progress?.Report((double)i / values.Length);
            }
        }

        progress?.Report(1);
        return new RunResult(policy.Name, scores.Finish(policy.Name, _bound, values), timeline) { Rescales = rescales };
    }

    // A cluster already under the policy starts inside its bounds (static provisioning starts at its size).
    private static int Within(PolicyFile policy, ComponentKind kind, int replicas) =>
        policy.Spec.Find(kind) is { } component ? Math.Clamp(replicas, component.MinReplicas, component.MaxReplicas) : replicas;

    private void Tick(
        ScalingSession session, ClusterModel cluster, Signals signals, ScoreKeeper scores, List<Rescale> rescales, DateTimeOffset now, Action<ClusterDecision, bool[]>? observer)
    {
        signals.Refresh();
        var model = _scenario.Model;
        var observation = new ClusterObservation
        {
            Cluster = _scenario.Name,
            Time = now,
            Components =
            [
                new ComponentObservation
                {
                    Key = ComponentKey.Compute,
                    TargetReplicas = cluster.ComputeTarget,
                    CurrentReplicas = cluster.ComputeTarget,
                    ReadyReplicas = cluster.ComputeReady,
                    RescaleInProgress = cluster.ComputeRescaling,
                    CoresPerReplica = model.Compute.CoresPerReplica,
                    Signals = signals.Compute,
                },
                new ComponentObservation
                {
                    Key = ComponentKey.Compactor,
                    TargetReplicas = cluster.CompactorTarget,
                    CurrentReplicas = cluster.CompactorTarget,
                    ReadyReplicas = cluster.CompactorReady,
                    RescaleInProgress = cluster.CompactorRescaling,
                    CoresPerReplica = model.Compactor.CoresPerReplica,
                    Signals = signals.Compactor,
                },
            ],
        };

        var decision = session.Decide(observation);
        var actions = observer is null ? null : new bool[decision.Components.Length];
        for (var c = 0; c < decision.Components.Length; c++)
        {
            var component = decision.Components[c];
            var compute = component.Component.Kind == ComponentKind.Compute;
            var acted = component.IsChange && !(compute ? cluster.ComputeRescaling : cluster.CompactorRescaling);
            if (acted)
            {
                if (compute)
                {
                    cluster.ScaleCompute(component.To);
                    scores.ComputeRescales++;
                }
                else
                {
                    cluster.ScaleCompactor(component.To);
                    scores.CompactorRescales++;
                }

                rescales.Add(new Rescale(now, component.Component.Kind, component.From, component.To, component.Reason));
            }

            session.Record(component, acted);
            if (actions is not null)
            {
                actions[c] = acted;
            }
        }

        observer?.Invoke(decision, actions!);
    }

    /// <summary>The signal buffers of both components; the dataflow and storage signals are shared, CPU is per component.</summary>
    private sealed class Signals
    {
        private readonly SampleBuffer[] _shared = new SampleBuffer[SignalNames.Count];
        private readonly SampleBuffer _computeCpu;
        private readonly SampleBuffer _compactorCpu;
        private readonly SignalWindow[] _computeWindows = new SignalWindow[SignalNames.Count];
        private readonly SignalWindow[] _compactorWindows = new SignalWindow[SignalNames.Count];

        public Signals(SignalHorizon horizon, TimeSpan step)
        {
            var horizons = horizon.Fine;
            foreach (var signal in Shared)
            {
                _shared[(int)signal] = new SampleBuffer(Samples(horizons[(int)signal], step));
            }

            // The predictive policy's long ingest history, beyond the fine window, as one-minute averages.
            var ingest = horizons[(int)Signal.IngestRate];
            if (horizon.History > ingest)
            {
                var every = Math.Max(1, (int)Math.Round(TimeSpan.FromMinutes(1) / step));
                var coarse = (int)Math.Ceiling((horizon.History - ingest) / (step * every));
                _shared[(int)Signal.IngestRate] = new SampleBuffer(Samples(ingest, step), every, coarse);
            }

            var cpu = Samples(horizons[(int)Signal.CpuUtilization], step);
            _computeCpu = new SampleBuffer(cpu);
            _compactorCpu = new SampleBuffer(cpu);
            Compute = SignalSet.Wrap(_computeWindows);
            Compactor = SignalSet.Wrap(_compactorWindows);
        }

        public SignalSet Compute { get; }

        public SignalSet Compactor { get; }

        public void Append(DateTimeOffset time, in ModelSample s)
        {
            Add(Signal.IngestRate, time, s.IngestRate);
            Add(Signal.ProcessedRate, time, s.ProcessedRate);
            Add(Signal.BusyRatio, time, s.BusyRatio);
            Add(Signal.BackpressureRatio, time, s.BackpressureRatio);
            Add(Signal.BarrierLatencyP99, time, s.BarrierLatency);
            Add(Signal.SourceLagMessages, time, s.ReportedLagMessages);
            Add(Signal.SourceLagSeconds, time, s.ReportedLagSeconds);
            Add(Signal.CompactionPendingBytes, time, s.CompactionPendingBytes);
            Add(Signal.CompactionRunningSlots, time, s.CompactionRunningSlots);
            Add(Signal.L0WriteStop, time, s.WriteStop);
            Add(Signal.BarrierLatencyP99Capped, time, 0); // the model's latency is exact: no histogram, no ceiling
            _computeCpu.Append(new Sample(time, s.ComputeCpu));
            _compactorCpu.Append(new Sample(time, s.CompactorCpu));
        }

        public void Refresh()
        {
            foreach (var signal in Shared)
            {
                var window = _shared[(int)signal].Window;
                _computeWindows[(int)signal] = window;
                _compactorWindows[(int)signal] = window;
            }

            _computeWindows[(int)Signal.CpuUtilization] = _computeCpu.Window;
            _compactorWindows[(int)Signal.CpuUtilization] = _compactorCpu.Window;
        }

        private void Add(Signal signal, DateTimeOffset time, double value) => _shared[(int)signal].Append(new Sample(time, value));

        private static int Samples(TimeSpan horizon, TimeSpan step) => (int)Math.Ceiling(horizon / step) + 1;
    }
}
