using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Metrics;

/// <summary>
/// One signal's samples, oldest first, that hands out windows without copying: samples already handed out are never
/// written again. Appending writes past the end (or into a new array when full), trimming only moves the start, and
/// anything else (a backfill that lands before existing samples) is merged into a new array. Not thread-safe on its own.
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
        List<Sample>? earlier = null;
        foreach (var sample in samples)
        {
            if (_count == 0 || sample.Time > _items[_start + _count - 1].Time)
            {
                Append(sample);
            }
            else
            {
                (earlier ??= []).Add(sample);
            }
        }

        if (earlier is not null)
        {
            Merge(earlier);
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

    /// <summary>
    /// Merges samples that land among or before the buffer's into one new array: a backfill that reaches further back
    /// than the samples already held (days of them, for a predictive policy) costs one copy, not one per sample.
    /// A sample at a time the buffer already holds is ignored.
    /// </summary>
    private void Merge(List<Sample> earlier)
    {
        earlier.Sort(TimeOrder.Instance);
        var live = _items.AsSpan(_start, _count);
        var items = new Sample[Math.Max(16, (live.Length + earlier.Count) * 2)];
        int i = 0, j = 0, n = 0;
        while (i < live.Length || j < earlier.Count)
        {
            if (j == earlier.Count || (i < live.Length && live[i].Time <= earlier[j].Time))
            {
                items[n++] = live[i++];
            }
            else
            {
                var sample = earlier[j++];
                var held = (n > 0 && items[n - 1].Time == sample.Time) || (i < live.Length && live[i].Time == sample.Time);
                if (!held)
                {
                    items[n++] = sample;
                }
            }
        }

        (_items, _start, _count) = (items, 0, n);
    }

    private sealed class TimeOrder : IComparer<Sample>
    {
        public static TimeOrder Instance { get; } = new();

        public int Compare(Sample x, Sample y) => x.Time.CompareTo(y.Time);
    }
}
