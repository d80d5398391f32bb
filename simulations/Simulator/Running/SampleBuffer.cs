using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Simulator.Running;

/// <summary>
/// The recent samples of one signal. Appending is amortised O(1): when the array is full the newest window is
/// moved to the front. <see cref="Window"/> is a view, so building an observation copies nothing.
/// </summary>
internal sealed class SampleBuffer
{
    private readonly int _window;
    private Sample[] _samples;
    private int _count;

    public SampleBuffer(int window)
    {
        _window = Math.Max(1, window);
        _samples = new Sample[Math.Max(64, 2 * _window)];
    }

    public void Append(Sample sample)
    {
        if (_count == _samples.Length)
        {
            var keep = _window - 1;
            Array.Copy(_samples, _count - keep, _samples, 0, keep);
            _count = keep;
        }

        _samples[_count++] = sample;
    }

    public SignalWindow Window
    {
        get
        {
            var length = Math.Min(_count, _window);
            return new SignalWindow(_samples.AsMemory(_count - length, length));
        }
    }
}
