namespace RwAutoscaler.Simulator.Model;

/// <summary>
/// When a source offset was produced: the history of a cumulative offset as (time, offset) points, read back by
/// linear interpolation, as kafka-lag-exporter estimates a consumer's lag in seconds from the high watermarks it
/// has seen. The lag of a consumer at offset c is then now minus the time the producers reached c: the age of the
/// oldest unconsumed message. It stays a delay when ingest drops after a burst, where backlog / ingest rate
/// explodes. Queries must not go back in offset (a consumer's position only grows), so the cursor only moves on
/// and the points it has passed are dropped.
/// </summary>
internal sealed class OffsetClock
{
    private double[] _times = new double[64];
    private double[] _offsets = new double[64];
    private int _start;
    private int _count;

    /// <summary>Adds the offset reached at <paramref name="time"/>; times and offsets must not decrease.</summary>
    public void Add(double time, double offset)
    {
        if (_count > 0 && (time < _times[_count - 1] || offset < _offsets[_count - 1]))
        {
            throw new ArgumentException($"({time}, {offset}) goes back from ({_times[_count - 1]}, {_offsets[_count - 1]})");
        }

        if (_count == _times.Length)
        {
            Compact();
        }

        _times[_count] = time;
        _offsets[_count] = offset;
        _count++;
    }

    /// <summary>
    /// Seconds since the producers reached <paramref name="consumed"/>, at <paramref name="now"/>: 0 when nothing
    /// newer than the consumer's position has been seen, and the age of the oldest point when the position is
    /// older than every point kept.
    /// </summary>
    public double LagSeconds(double consumed, double now)
    {
        if (_count == 0 || consumed >= _offsets[_count - 1])
        {
            return 0;
        }

        // The first point at or past the consumer's position; the one before it brackets it.
        while (_start < _count - 1 && _offsets[_start + 1] <= consumed)
        {
            _start++;
        }

        if (consumed <= _offsets[_start])
        {
            return Math.Max(0, now - _times[_start]);
        }

        var next = _start + 1;
        var span = _offsets[next] - _offsets[_start];
        var produced = _times[_start] + ((_times[next] - _times[_start]) * (consumed - _offsets[_start]) / span);
        return Math.Max(0, now - produced);
    }

    private void Compact()
    {
        var keep = _count - _start;
        if (keep * 2 > _times.Length)
        {
            Array.Resize(ref _times, _times.Length * 2);
            Array.Resize(ref _offsets, _offsets.Length * 2);
        }

        Array.Copy(_times, _start, _times, 0, keep);
        Array.Copy(_offsets, _start, _offsets, 0, keep);
        _count = keep;
        _start = 0;
    }
}
