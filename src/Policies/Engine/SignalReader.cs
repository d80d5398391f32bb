using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Engine;

public enum SignalStatus
{
    Ok,
    /// <summary>No usable sample at all.</summary>
    Missing,
    /// <summary>The newest usable sample is older than the staleness limit.</summary>
    Stale,
}

/// <summary>The newest usable value of a signal.</summary>
public readonly record struct SignalReading(SignalStatus Status, double Value, DateTimeOffset Time, int Invalid)
{
    public bool IsOk => Status == SignalStatus.Ok;
}

/// <summary>Statistics of a signal over a window.</summary>
public readonly record struct WindowReading(
    SignalStatus Status, double Mean, double Max, int Count, int Invalid, DateTimeOffset First, DateTimeOffset Last)
{
    public bool IsOk => Status == SignalStatus.Ok;
}

/// <summary>
/// Reads windows the way every policy must: NaN, infinite and negative samples are skipped and counted,
/// samples after "now" do not exist yet, and a signal whose newest sample is too old is stale.
/// </summary>
public static class SignalReader
{
    public static SignalReading Latest(SignalWindow window, DateTimeOffset now, TimeSpan staleAfter)
    {
        var samples = window.Samples;
        var invalid = 0;
        for (var i = UpperBound(samples, now) - 1; i >= 0; i--)
        {
            var sample = samples[i];
            if (!sample.IsUsable)
            {
                invalid++;
                continue;
            }

            var status = now - sample.Time > staleAfter ? SignalStatus.Stale : SignalStatus.Ok;
            return new SignalReading(status, sample.Value, sample.Time, invalid);
        }

        return new SignalReading(SignalStatus.Missing, double.NaN, default, invalid);
    }

    /// <summary>Mean and max of the usable samples with <paramref name="from"/> &lt;= time &lt;= <paramref name="now"/>.</summary>
    public static WindowReading Window(SignalWindow window, DateTimeOffset from, DateTimeOffset now, TimeSpan staleAfter)
    {
        var samples = window.Samples;
        var end = UpperBound(samples, now);
        var start = LowerBound(samples, from);
        double sum = 0, max = double.NegativeInfinity;
        var count = 0;
        var invalid = 0;
        DateTimeOffset first = default, last = default;
        for (var i = start; i < end; i++)
        {
            var sample = samples[i];
            if (!sample.IsUsable)
            {
                invalid++;
                continue;
            }

            if (count == 0)
            {
                first = sample.Time;
            }

            last = sample.Time;
            sum += sample.Value;
            max = Math.Max(max, sample.Value);
            count++;
        }

        if (count == 0)
        {
            return new WindowReading(SignalStatus.Missing, double.NaN, double.NaN, 0, invalid, default, default);
        }

        var status = now - last > staleAfter ? SignalStatus.Stale : SignalStatus.Ok;
        return new WindowReading(status, sum / count, max, count, invalid, first, last);
    }

    /// <summary>Least-squares slope per second of the usable samples in the window; NaN with fewer than two.</summary>
    public static double Slope(SignalWindow window, DateTimeOffset from, DateTimeOffset now)
    {
        var samples = window.Samples;
        var end = UpperBound(samples, now);
        var start = LowerBound(samples, from);
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = start; i < end; i++)
        {
            var sample = samples[i];
            if (!sample.IsUsable)
            {
                continue;
            }

            var x = (sample.Time - from).TotalSeconds;
            n++;
            sx += x;
            sy += sample.Value;
            sxx += x * x;
            sxy += x * sample.Value;
        }

        var denominator = (n * sxx) - (sx * sx);
        return n < 2 || denominator <= 0 ? double.NaN : ((n * sxy) - (sx * sy)) / denominator;
    }

    /// <summary>
    /// How long the signal has been continuously above <paramref name="threshold"/>, counted back from the newest
    /// usable sample and never further than <paramref name="since"/>; zero when the newest sample is not above.
    /// </summary>
    public static TimeSpan AboveFor(SignalWindow window, double threshold, DateTimeOffset since, DateTimeOffset now)
    {
        var samples = window.Samples;
        var end = UpperBound(samples, now);
        DateTimeOffset? newest = null, oldest = null;
        for (var i = end - 1; i >= 0; i--)
        {
            var sample = samples[i];
            if (sample.Time < since)
            {
                break;
            }

            if (!sample.IsUsable)
            {
                continue;
            }

            if (sample.Value <= threshold)
            {
                break;
            }

            newest ??= sample.Time;
            oldest = sample.Time;
        }

        // The violation began at the oldest violating sample, and lasts at least until now.
        return newest is null ? TimeSpan.Zero : now - oldest!.Value;
    }

    /// <summary>First index with time &gt;= <paramref name="time"/>.</summary>
    private static int LowerBound(ReadOnlySpan<Sample> samples, DateTimeOffset time)
    {
        int lo = 0, hi = samples.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (samples[mid].Time < time)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>First index with time &gt; <paramref name="time"/>.</summary>
    private static int UpperBound(ReadOnlySpan<Sample> samples, DateTimeOffset time)
    {
        int lo = 0, hi = samples.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (samples[mid].Time <= time)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
