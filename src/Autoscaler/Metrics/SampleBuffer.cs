using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>
/// One signal's samples, oldest first, that hands out windows without copying: samples already handed out are never
/// written again. Appending writes past the end (or into a new array when full), trimming only moves the start, and
/// anything else (a backfill that lands before existing samples) builds a new array. Not thread-safe on its own.
/// </summary>
internal sealed class SampleBuffer
{
    private Sample[] _items = new Sample[16];
    private int _start;
    private int _count;

    public int Count => _count;

    public SignalWindow Window => new(_items.AsMemory(_start, _count));

    public void Add(ReadOnlySpan<Sample> samples)
    {
        foreach (var sample in samples)
        {
            if (_count == 0 || sample.Time > _items[_start + _count - 1].Time)
            {
                Append(sample);
            }
            else
            {
                Insert(sample);
            }
        }
    }

    /// <summary>Drops samples older than <paramref name="cutoff"/>.</summary>
    public void TrimBefore(DateTimeOffset cutoff)
    {
        while (_count > 0 && _items[_start].Time < cutoff)
        {
            _start++;
            _count--;
        }
    }

    private void Append(Sample sample)
    {
        if (_start + _count == _items.Length)
        {
            // A new array, so that windows handed out over the old one stay as they were.
            var capacity = Math.Max(16, _count * 2);
            var items = new Sample[capacity];
            Array.Copy(_items, _start, items, 0, _count);
            (_items, _start) = (items, 0);
        }

        _items[_start + _count++] = sample;
    }

    private void Insert(Sample sample)
    {
        var live = _items.AsSpan(_start, _count);
        var index = live.BinarySearch(sample, TimeOrder.Instance);
        if (index >= 0)
        {
            return;
        }

        index = ~index;
        var items = new Sample[Math.Max(16, (_count + 1) * 2)];
        live[..index].CopyTo(items);
        items[index] = sample;
        live[index..].CopyTo(items.AsSpan(index + 1));
        (_items, _start, _count) = (items, 0, _count + 1);
    }

    private sealed class TimeOrder : IComparer<Sample>
    {
        public static TimeOrder Instance { get; } = new();

        public int Compare(Sample x, Sample y) => x.Time.CompareTo(y.Time);
    }
}
