using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Simulator.Running;

/// <summary>
/// The recent samples of one signal: the newest <c>fine</c> samples at every step and, optionally, older history
/// as averages of <c>every</c> steps, as a Prometheus range query with a coarser step returns it. Appending is
/// amortised O(1); <see cref="Window"/> is a view over one array, so building an observation copies nothing.
/// </summary>
internal sealed class SampleBuffer
{
    private readonly int _fine;
    private readonly int _every;
    private readonly int _coarseWindow;
    private Sample[] _samples;
    private int _start;
    private int _coarseEnd; // [_start, _coarseEnd) are averages, [_coarseEnd, _count) every step
    private int _count;

    public SampleBuffer(int fine, int every = 1, int coarse = 0)
    {
        _fine = Math.Max(1, fine);
        _every = Math.Max(1, every);
        _coarseWindow = _every > 1 ? Math.Max(0, coarse) : 0;
        _samples = new Sample[Math.Max(64, 2 * (_fine + _every + _coarseWindow))];
    }

    public void Append(Sample sample)
    {
        if (_count == _samples.Length)
        {
            var length = _count - _start;
            Array.Copy(_samples, _start, _samples, 0, length);
            _coarseEnd -= _start;
            _start = 0;
            _count = length;
        }

        _samples[_count++] = sample;
        if (_coarseWindow == 0)
        {
            if (_count - _start > _fine)
            {
                _start++;
                _coarseEnd = _start;
            }

            return;
        }

        if (_count - _coarseEnd >= _fine + _every)
        {
            // Fold the oldest steps of the fine part into one average, stamped at the end of its interval.
            double sum = 0;
            for (var i = 0; i < _every; i++)
            {
                sum += _samples[_coarseEnd + i].Value;
            }

            var folded = new Sample(_samples[_coarseEnd + _every - 1].Time, sum / _every);
            Array.Copy(_samples, _coarseEnd + _every, _samples, _coarseEnd + 1, _count - _coarseEnd - _every);
            _samples[_coarseEnd++] = folded;
            _count -= _every - 1;
            if (_coarseEnd - _start > _coarseWindow)
            {
                _start++;
            }
        }
    }

    public SignalWindow Window => new(_samples.AsMemory(_start, _count - _start));
}
