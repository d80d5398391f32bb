namespace RwAutoscaler.Simulator.Scoring;

/// <summary>
/// Time to converge after a load step (DS2 and the DEBS'24 study report it, calibration §2.10): a load step is a
/// 5-minute mean that moves by 40% or more against the 5 minutes before; the run has converged once the compute
/// replicas have not changed and the SLO has held for 10 minutes. The time counts from the step to the start of
/// those 10 minutes.
/// </summary>
internal static class Convergence
{
    public const double StepThreshold = 0.4;

    public static List<int> FindSteps(ReadOnlySpan<double> rate, TimeSpan step)
    {
        var window = Math.Max(1, (int)Math.Round(TimeSpan.FromMinutes(5) / step));
        var steps = new List<int>();
        if (rate.Length < 2 * window)
        {
            return steps;
        }

        var prefix = new double[rate.Length + 1];
        for (var i = 0; i < rate.Length; i++)
        {
            prefix[i + 1] = prefix[i] + rate[i];
        }

        double Change(int i)
        {
            var before = (prefix[i] - prefix[i - window]) / window;
            var after = (prefix[i + window] - prefix[i]) / window;
            var scale = Math.Max(before, after);
            return scale <= 0 ? 0 : Math.Abs(after - before) / scale;
        }

        var at = window;
        while (at <= rate.Length - window)
        {
            if (Change(at) < StepThreshold)
            {
                at++;
                continue;
            }

            // The sharpest point of this change.
            var best = at;
            for (var j = at + 1; j <= Math.Min(rate.Length - window, at + window); j++)
            {
                if (Change(j) > Change(best))
                {
                    best = j;
                }
            }

            steps.Add(best);
            at = best + (2 * window);
        }

        return steps;
    }

    /// <summary>Per load step, seconds to converge, or null when it never settled before the next step or the end.</summary>
    public static List<double?> Measure(List<int> steps, ReadOnlySpan<int> replicas, ReadOnlySpan<bool> violated, TimeSpan step)
    {
        var settle = Math.Max(1, (int)Math.Round(TimeSpan.FromMinutes(10) / step));
        var result = new List<double?>(steps.Count);
        for (var s = 0; s < steps.Count; s++)
        {
            var from = steps[s];
            var end = s + 1 < steps.Count ? steps[s + 1] : replicas.Length;
            var stableFrom = from;
            double? converged = null;
            for (var i = from; i < end; i++)
            {
                if (violated[i] || (i > 0 && replicas[i] != replicas[i - 1]))
                {
                    stableFrom = i + 1;
                }
                else if (i + 1 - stableFrom >= settle)
                {
                    converged = (stableFrom - from) * step.TotalSeconds;
                    break;
                }
            }

            result.Add(converged);
        }

        return result;
    }
}
