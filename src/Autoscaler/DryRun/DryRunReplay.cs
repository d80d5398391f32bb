using System.Collections.Immutable;
using RwAutoscaler.Autoscaler.Recording;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.DryRun;

/// <summary>
/// Replays a recording through the engine on the recording's clock, exactly as the daemon in dry-run mode
/// evaluates a live cluster: each step sees the signals up to that step and the replicas the cluster really
/// had, decides, and records the decision as not acted on. It is open loop: the recorded metrics come from
/// the cluster as it was, so what the policy would have set is compared with what the cluster had.
/// </summary>
public static class DryRunReplay
{
    /// <summary>Backpressure at or above this, while the policy would have had fewer replicas, counts as under-provisioned.</summary>
    public const double PressureBackpressure = 0.5;

    public static DryRunResult Run(Recording.Recording recording, AutoscalingSpec spec, string policyName, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(spec);
        var session = new ScalingSession(new ScalingEngine(spec));
        var tracks = spec.Components
            .Where(c => recording.Find(c.Key, SeriesKind.TargetReplicas) is not null)
            .Select(c => new Track(recording, c.Key, spec.Signals))
            .ToArray();
        if (tracks.Length == 0)
        {
            throw new ArgumentException(
                $"the recording of {recording.Cluster} has no replica counts for any component the policy configures ({string.Join(", ", spec.Components.Select(c => c.Key))})",
                nameof(spec));
        }

        var observed = new List<ComponentObservation>(tracks.Length);
        for (var step = 0; step < recording.Count; step++)
        {
            if ((step & 4095) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report((double)step / recording.Count);
            }

            var now = recording.TimeAt(step);
            observed.Clear();
            foreach (var track in tracks)
            {
                track.Advance(step);
                if (track.IsGap(step))
                {
                    track.Hold(step);
                }
                else
                {
                    observed.Add(track.Observe(step));
                }
            }

            if (observed.Count == 0)
            {
                continue;
            }

            var decision = session.Decide(new ClusterObservation { Cluster = recording.Cluster, Time = now, Components = [.. observed] }, now: now);
            foreach (var component in decision.Components)
            {
                session.Record(component, acted: false);
                foreach (var track in tracks)
                {
                    if (track.Key == component.Component)
                    {
                        track.Decided(step, component);
                    }
                }
            }
        }

        progress?.Report(1);
        return new DryRunResult(policyName, recording.Cluster, recording.Start, recording.Step, recording.Count, [.. tracks.Select(t => t.Result())]);
    }

    /// <summary>One component's recorded series, as growing sample windows, and what the policy did with them.</summary>
    private sealed class Track
    {
        private readonly Recording.Recording _recording;
        private readonly double[] _target;
        private readonly double[]? _ready;
        private readonly double[]? _cores;
        private readonly Sample[][] _samples = new Sample[SignalNames.Count][];
        private readonly int[] _upTo = new int[SignalNames.Count];
        private readonly SignalWindow[] _windows = new SignalWindow[SignalNames.Count];
        private readonly SignalSet _signals;
        private readonly ImmutableArray<CustomSignalSpec> _customSpecs;
        private readonly Sample[][] _custom;
        private readonly int[] _customUpTo;
        private readonly CustomWindow[] _customWindows;
        private readonly int[] _policy;
        private readonly bool[] _gap;
        private readonly List<DryRunDecision> _decisions = [];
        private int _last = -1;

        public Track(Recording.Recording recording, ComponentKey key, ImmutableArray<CustomSignalSpec> custom)
        {
            _recording = recording;
            Key = key;
            _target = recording.Find(key, SeriesKind.TargetReplicas)!;
            _ready = recording.Find(key, SeriesKind.ReadyReplicas);
            _cores = recording.Find(key, SeriesKind.CoresPerReplica);
            foreach (var signal in Enum.GetValues<Signal>())
            {
                _samples[(int)signal] = Samples(recording, recording.Find(key, SeriesKind.Signal, signal));
            }

            _signals = SignalSet.Wrap(_windows);

            // The spec's custom signals, from the recording's series of the same name (record --policy, or a dry-run
            // from Prometheus, records them); one the recording lacks is missing, and the policies that read it hold.
            _customSpecs = custom.IsDefault ? [] : custom;
            _custom = [.. _customSpecs.Select(c => Samples(recording, recording.Find(key, SeriesKind.Signal, SignalRef.Custom(c.Name))))];
            _customUpTo = new int[_custom.Length];
            _customWindows = new CustomWindow[_custom.Length];
            _policy = new int[recording.Count];
            _gap = new bool[recording.Count];
        }

        public ComponentKey Key { get; }

        // Steps without data become no sample at all: the engine then sees a gap, not a NaN value.
        private static Sample[] Samples(Recording.Recording recording, double[]? values) =>
            values is null ? [] : values.Select((v, i) => new Sample(recording.TimeAt(i), v)).Where(s => !double.IsNaN(s.Value)).ToArray();

        /// <summary>A step is a gap when the replica count or every signal is missing.</summary>
        public bool IsGap(int step)
        {
            if (double.IsNaN(_target[step]))
            {
                return true;
            }

            for (var s = 0; s < SignalNames.Count; s++)
            {
                var samples = _samples[s];
                if (_upTo[s] > 0 && samples[_upTo[s] - 1].Time == _recording.TimeAt(step))
                {
                    return false;
                }
            }

            for (var c = 0; c < _custom.Length; c++)
            {
                if (_customUpTo[c] > 0 && _custom[c][_customUpTo[c] - 1].Time == _recording.TimeAt(step))
                {
                    return false;
                }
            }

            return true;
        }

        public void Advance(int step)
        {
            var now = _recording.TimeAt(step);
            for (var s = 0; s < SignalNames.Count; s++)
            {
                var samples = _samples[s];
                while (_upTo[s] < samples.Length && samples[_upTo[s]].Time <= now)
                {
                    _upTo[s]++;
                }

                _windows[s] = new SignalWindow(samples.AsMemory(0, _upTo[s]));
            }

            for (var c = 0; c < _custom.Length; c++)
            {
                while (_customUpTo[c] < _custom[c].Length && _custom[c][_customUpTo[c]].Time <= now)
                {
                    _customUpTo[c]++;
                }

                _customWindows[c] = new CustomWindow(_customSpecs[c].Name, _customSpecs[c].Unit, new SignalWindow(_custom[c].AsMemory(0, _customUpTo[c])));
            }
        }

        public ComponentObservation Observe(int step)
        {
            var target = (int)Math.Round(_target[step]);
            var ready = _ready is not null && !double.IsNaN(_ready[step]) ? (int)Math.Round(_ready[step]) : target;
            return new ComponentObservation
            {
                Key = Key,
                TargetReplicas = target,
                CurrentReplicas = Math.Max(target, ready),
                ReadyReplicas = ready,
                RescaleInProgress = ready != target,
                CoresPerReplica = _cores is not null && _cores[step] > 0 ? _cores[step] : null,
                Signals = _custom.Length == 0 ? _signals : _signals.WithCustom([.. _customWindows]),
            };
        }

        public void Hold(int step)
        {
            _gap[step] = true;
            _policy[step] = _last >= 0 ? _last : double.IsNaN(_target[step]) ? 0 : (int)Math.Round(_target[step]);
        }

        public void Decided(int step, ComponentDecision decision)
        {
            var (from, to) = (decision.From, decision.To);
            // The reason is written only for the steps where the policy's count changes.
            if (_last >= 0 && to != _last)
            {
                _decisions.Add(new DryRunDecision(_recording.TimeAt(step), from, _last, to, decision.Reason));
            }
            else if (_last < 0 && to != from)
            {
                _decisions.Add(new DryRunDecision(_recording.TimeAt(step), from, from, to, decision.Reason));
            }

            _policy[step] = to;
            _last = to;
        }

        public ComponentReplay Result()
        {
            var hours = _recording.Step.TotalHours;
            double actualHours = 0, policyHours = 0;
            for (var i = 0; i < _recording.Count; i++)
            {
                if (!double.IsNaN(_target[i]))
                {
                    actualHours += _target[i] * hours;
                }

                policyHours += _policy[i] * hours;
            }

            return new ComponentReplay
            {
                Component = Key,
                Actual = _target,
                Policy = _policy,
                Gap = _gap,
                Decisions = [.. _decisions],
                ActualReplicaHours = actualHours,
                PolicyReplicaHours = policyHours,
                UnderProvisioned = Periods(UnderProvisionedSteps()),
                Gaps = Periods(_gap),
            };
        }

        // Estimated from what the cluster reported with the replicas it really had: the policy would have been
        // short when it had fewer replicas than the busy time says were needed, or fewer than the cluster had
        // while that cluster was already back-pressured, lagging further behind, or had compaction write-stop.
        private bool[] UnderProvisionedSteps()
        {
            var under = new bool[_recording.Count];
            var busy = _recording.Find(Key, SeriesKind.Signal, Signal.BusyRatio);
            var backpressure = _recording.Find(Key, SeriesKind.Signal, Signal.BackpressureRatio);
            var lag = _recording.Find(Key, SeriesKind.Signal, Signal.SourceLagMessages);
            var writeStop = _recording.Find(Key, SeriesKind.Signal, Signal.L0WriteStop);
            for (var i = 0; i < under.Length; i++)
            {
                var actual = _target[i];
                if (_gap[i] || double.IsNaN(actual) || _policy[i] >= actual)
                {
                    continue;
                }

                var needed = busy is not null && !double.IsNaN(busy[i]) ? actual * busy[i] : double.NaN;
                var pressured = (backpressure is not null && backpressure[i] >= PressureBackpressure)
                    || (lag is not null && i > 0 && lag[i] > lag[i - 1])
                    || (writeStop is not null && writeStop[i] >= 1);
                under[i] = _policy[i] < needed || pressured;
            }

            return under;
        }

        private ImmutableArray<Period> Periods(bool[] flags)
        {
            var periods = ImmutableArray.CreateBuilder<Period>();
            var start = -1;
            for (var i = 0; i <= flags.Length; i++)
            {
                var on = i < flags.Length && flags[i];
                if (on && start < 0)
                {
                    start = i;
                }
                else if (!on && start >= 0)
                {
                    periods.Add(new Period(_recording.TimeAt(start), _recording.TimeAt(i)));
                    start = -1;
                }
            }

            return periods.ToImmutable();
        }
    }
}
