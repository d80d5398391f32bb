namespace RwAutoscaler.Simulator.Model;

/// <summary>
/// The pods of one component: created at once when the spec grows, ready after a start delay, removed at once
/// (starting pods first, as a StatefulSet removes its highest ordinals) when it shrinks.
/// </summary>
internal sealed class PodGroup
{
    private readonly Queue<double> _starting = new();
    private readonly double _startDelay;
    private readonly int _max;

    public PodGroup(int initial, double startDelaySeconds, int max)
    {
        _max = max;
        Target = Math.Clamp(initial, 0, max);
        Ready = Target;
        _startDelay = startDelaySeconds;
    }

    /// <summary>Replicas the spec asks for; every one of them exists as a pod.</summary>
    public int Target { get; private set; }

    public int Ready { get; private set; }

    public int Starting => _starting.Count;

    /// <summary>Sets the spec; returns how many ready pods were removed.</summary>
    public int Scale(int target, double now)
    {
        target = Math.Clamp(target, 0, _max);
        var removedReady = 0;
        if (target > Target)
        {
            for (var i = Target; i < target; i++)
            {
                _starting.Enqueue(now + _startDelay);
            }
        }
        else
        {
            var remove = Target - target;
            // Newest first: the starting pods go before the running ones.
            var keep = Math.Max(0, _starting.Count - remove);
            var fromStarting = _starting.Count - keep;
            if (fromStarting > 0)
            {
                var kept = _starting.Take(keep).ToArray();
                _starting.Clear();
                foreach (var readyAt in kept)
                {
                    _starting.Enqueue(readyAt);
                }
            }

            removedReady = remove - fromStarting;
            Ready -= removedReady;
        }

        Target = target;
        return removedReady;
    }

    /// <summary>Pods whose start delay has passed by <paramref name="now"/> become ready; returns how many.</summary>
    public int Advance(double now)
    {
        var became = 0;
        while (_starting.Count > 0 && _starting.Peek() <= now)
        {
            _starting.Dequeue();
            Ready++;
            became++;
        }

        return became;
    }
}
