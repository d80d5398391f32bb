using MathNet.Numerics.LinearAlgebra;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.BuiltIn;

/// <summary>
/// <c>predictive</c>: sizes compute for the ingest rate forecast over the provisioning lead time, so capacity is
/// ready when a peak arrives, and for the current rate and lag otherwise.
/// <para>
/// Forecasting method: dynamic harmonic regression, a linear trend plus K Fourier pairs of the season, fitted
/// by least squares (QR) on the ingest history averaged into buckets. The season is given, or found as the lag
/// of highest autocorrelation of the detrended history. Why: streaming ingest has one dominant
/// long cycle (NAB nyc_taxi: daily peak/trough 6.4) and a slow trend; Fourier terms describe a season of any
/// length with 2K numbers (Holt-Winters keeps one state per bucket of the season and must be carried from call
/// to call, while a policy here is a pure function of the observation); least squares on timestamps tolerates
/// scrape gaps and any sample spacing; the fit is cheap and is repeated only every <c>refitInterval</c>.
/// The same regression, fitted without the last lead time of data and checked against it, gives the forecast
/// error: above <c>maxForecastError</c> the policy does not trust the forecast and sizes reactively.
/// </para>
/// <para>It never scales in on a forecast: the forecast can only raise the count the current load asks for.</para>
/// </summary>
public sealed record PredictivePolicySpec : PolicySpec
{
    public override IEnumerable<SignalRef> SignalsRead => [Signal.IngestRate, Signal.ProcessedRate, Signal.BusyRatio, Signal.SourceLagMessages];

    public override IEnumerable<SignalReach> Reach =>
    [
        new(Signal.IngestRate, RateWindow),
        new(Signal.ProcessedRate, MetricsWindow), // after the last rescale settled, never before now - metricsWindow
        new(Signal.BusyRatio, MetricsWindow),
        new(Signal.IngestRate, History, Sparse: true), // the fit buckets it
    ];


    /// <summary>The season of the ingest rate; null finds it in the history (the lag of highest autocorrelation).</summary>
    public TimeSpan? SeasonLength { get; init; }

    /// <summary>Fourier pairs of the season: 3 captures a daily shape with a sharper peak than a sine.</summary>
    public int Harmonics { get; init; } = 3;

    /// <summary>Ingest history the fit reads: two seasons let the trend and the season separate.</summary>
    public TimeSpan History { get; init; } = TimeSpan.FromDays(2);

    /// <summary>The history is averaged into this many buckets before the fit (3.75 minutes each over two days, so hourly seasons show).</summary>
    public int Buckets { get; init; } = 768;

    /// <summary>Provisioning lead time: pod start, reschedule and warm-up. The forecast looks this far ahead.</summary>
    public TimeSpan LeadTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a fit is reused (carried in the policy's last proposal) before the next one; the forecast covers it.</summary>
    public TimeSpan RefitInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Mean absolute error of the back-test over the last lead time, relative to the history's mean rate, above which the forecast is ignored.</summary>
    public double MaxForecastError { get; init; } = 0.15;

    public double TargetUtilization { get; init; } = 0.7;

    /// <summary>Window of processed rate and busy ratio for the capacity per replica.</summary>
    public TimeSpan MetricsWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Samples this soon after a rescale describe a cluster still warming up and are not used.</summary>
    public TimeSpan Stabilization { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Time constant of the capacity-per-replica estimate, so one window's dip does not resize the cluster.</summary>
    public TimeSpan CapacitySmoothing { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Window of the current ingest rate for the reactive part.</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The source lag must be worked off within this.</summary>
    public TimeSpan CatchUpDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Capacity grows as replicas^exponent (1: linear, as Flink assumes; RisingWave is sublinear).</summary>
    public double ScalingExponent { get; init; } = 1.0;

    /// <summary>
    /// No change while the needed rate keeps the current replicas between these utilisations; outside, the count
    /// is sized for <see cref="TargetUtilization"/>. A wide band means few rescales, each of which pauses the dataflow.
    /// </summary>
    public double UtilizationMin { get; init; } = 0.5;

    public double UtilizationMax { get; init; } = 0.9;
}

internal sealed class PredictivePolicyType : IPolicyType
{
    public string Type => "predictive";

    public string Summary => "forecasts the ingest rate from its season (harmonic regression) and provisions ahead of peaks; never scales in";

    public PolicySpec? Parse(ConfigMapReader fields, ComponentKind component)
    {
        if (component != ComponentKind.Compute)
        {
            fields.Errors.Add(fields.PathOf("type"), "predictive sizes the dataflow: it applies to compute only", fields.Field("type"));
        }

        var d = new PredictivePolicySpec { Type = Type };
        TimeSpan? season = fields.OptionalString("seasonLength") is null or "auto"
            ? null
            : fields.Duration("seasonLength", TimeSpan.FromDays(1), TimeSpan.FromMinutes(1), TimeSpan.FromDays(28));
        var history = fields.Duration("history", season is { } s ? s * 2 : d.History, TimeSpan.FromMinutes(4), TimeSpan.FromDays(56));
        var harmonics = fields.Integer("harmonics", d.Harmonics, 1, 24);
        var buckets = fields.Integer("buckets", d.Buckets, 16, 4_000);
        if (season is { } length && history < length)
        {
            fields.Fail("history", fields.Field("history") ?? fields.Node, $"must cover at least one seasonLength ({Durations.Format(length)}), got {Durations.Format(history)}");
        }

        var target = fields.Number("targetUtilization", d.TargetUtilization, NumberRange.UnitOpenClosed);
        var min = fields.Number("utilizationMin", d.UtilizationMin, NumberRange.Unit);
        var max = fields.Number("utilizationMax", d.UtilizationMax, NumberRange.UnitOpenClosed);
        if (min > target || max < target)
        {
            fields.Errors.Add(fields.Path, $"utilizationMin ({min}) <= targetUtilization ({target}) <= utilizationMax ({max}) must hold", fields.Node);
        }

        return d with
        {
            TargetUtilization = target,
            UtilizationMin = min,
            UtilizationMax = max,
            SeasonLength = season,
            History = history,
            Harmonics = harmonics,
            Buckets = buckets,
            LeadTime = fields.Duration("leadTime", d.LeadTime, TimeSpan.Zero, TimeSpan.FromDays(1)),
            RefitInterval = fields.Duration("refitInterval", d.RefitInterval, TimeSpan.Zero, TimeSpan.FromDays(1)),
            MaxForecastError = fields.Number("maxForecastError", d.MaxForecastError, NumberRange.Positive),
            MetricsWindow = fields.Duration("metricsWindow", d.MetricsWindow, TimeSpan.FromSeconds(30), TimeSpan.FromDays(1)),
            Stabilization = fields.Duration("stabilization", d.Stabilization, TimeSpan.Zero, TimeSpan.FromDays(1)),
            CapacitySmoothing = fields.Duration("capacitySmoothing", d.CapacitySmoothing, TimeSpan.Zero, TimeSpan.FromDays(1)),
            RateWindow = fields.Duration("rateWindow", d.RateWindow, TimeSpan.FromSeconds(15), TimeSpan.FromDays(1)),
            CatchUpDuration = fields.Duration("catchUpDuration", d.CatchUpDuration, TimeSpan.Zero, TimeSpan.FromDays(1)),
            ScalingExponent = fields.Number("scalingExponent", d.ScalingExponent, NumberRange.UnitOpenClosed),
        };
    }

    public IScalingPolicy Create(PolicySpec spec) => new PredictivePolicy((PredictivePolicySpec)spec);
}

internal sealed class PredictivePolicy(PredictivePolicySpec spec) : IScalingPolicy
{
    // The numbers every proposal carries; the fit (time, peak, error) is read back from the last proposal.
    private const int Rate = 0, Peak = 1, Error = 2, PerReplica = 3, Desired = 4, FitTime = 5;
    private static readonly string[] NumberNames = ["ingestRate", "forecastPeak", "forecastError", "capacityPerReplica", "replicas", "fitTime"];

    private static readonly ExplanationTemplate Ahead = new(
        "forecast peak {1:N0}/s within the lead time (back-test error {2:0%}) over the current {0:N0}/s; a replica processes {3:N0}/s -> {4}", NumberNames);

    private static readonly ExplanationTemplate Reactive = new(
        "ingest {0:N0}/s and lag need {4:0|replica} at {3:N0}/s each; the forecast ({1:N0}/s) does not raise it", NumberNames);

    private static readonly ExplanationTemplate Untrusted = new(
        "forecast error {2:0%} is over the limit: sizing for the current {0:N0}/s at {3:N0}/s per replica -> {4}", NumberNames);

    private static readonly ExplanationTemplate NoForecast = new(
        "not enough ingest history for a forecast yet: sizing for the current {0:N0}/s at {3:N0}/s per replica -> {4}", NumberNames);

    private static readonly ExplanationTemplate NoSeason = new(
        "no season found in the ingest history, so no forecast: sizing for the current {0:N0}/s at {3:N0}/s per replica -> {4}", NumberNames);

    private static readonly ExplanationTemplate Within = new(
        "{4:0|replica} at {3:N0}/s each keep the utilisation within its band for ingest {0:N0}/s and forecast peak {1:N0}/s", NumberNames);

    private static readonly ExplanationTemplate Collecting = new("measuring the capacity per replica after the last rescale");

    private static readonly ExplanationTemplate Missing = new("cannot read the ingest rate");

    public string Name { get; } = spec.DisplayName;

    public TimeSpan HistoryHorizon => spec.RefitInterval + spec.Stabilization + spec.MetricsWindow;

    public TimeSpan SignalHorizon => spec.Horizon;

    public Proposal Propose(in PolicyContext context)
    {
        var now = context.Now;
        var current = context.Current;
        var replicas = context.Component.ReadyReplicas > 0 ? context.Component.ReadyReplicas : current;
        var ingest = context.Window(Signal.IngestRate, now - spec.RateWindow);
        if (!ingest.IsOk)
        {
            return new Proposal
            {
                Policy = Name,
                Kind = ProposalKind.Abstain,
                MetricsMissing = true,
                Signal = Signal.IngestRate,
                InvalidSamples = ingest.Invalid,
                Template = Missing,
            };
        }

        var previous = context.LastEntry?.ProposalOf(Name);
        var perReplica = CapacityPerReplica(context, replicas, previous);
        if (double.IsNaN(perReplica))
        {
            return new Proposal { Policy = Name, Kind = ProposalKind.Abstain, Template = Collecting };
        }

        // The forecast: reuse the last fit while it is fresh, else fit again.
        double peak, error, fitTime;
        if (previous is { Kind: ProposalKind.Replicas } last && now.ToUnixTimeSeconds() - last.Numbers[FitTime] < spec.RefitInterval.TotalSeconds)
        {
            (peak, error, fitTime) = (last.Numbers[Peak], last.Numbers[Error], last.Numbers[FitTime]);
        }
        else
        {
            var forecast = HarmonicForecast.Fit(context[Signal.IngestRate], now, spec);
            (peak, error, fitTime) = (forecast.Peak, forecast.Error, now.ToUnixTimeSeconds());
        }

        // The rate to be ready for: what arrives now plus the lag to work off, or the forecast peak if higher.
        var lag = context.Latest(Signal.SourceLagMessages);
        var catchUp = spec.CatchUpDuration.TotalSeconds;
        var reactive = ingest.Mean + (lag.IsOk && catchUp > 0 ? lag.Value / catchUp : 0);
        var trusted = !double.IsNaN(peak) && error <= spec.MaxForecastError;
        var needed = Math.Max(reactive, trusted ? peak : 0);
        var template = double.IsNaN(peak) ? (double.IsPositiveInfinity(error) ? NoSeason : NoForecast) : !trusted ? Untrusted : peak > reactive ? Ahead : Reactive;

        var utilization = current > 0 ? needed / (perReplica * Math.Pow(current, spec.ScalingExponent)) : double.PositiveInfinity;
        var desired = current;
        if (utilization > spec.UtilizationMax || utilization < spec.UtilizationMin)
        {
            desired = Math.Max(1, (int)Math.Ceiling(Math.Round(Math.Pow(needed / spec.TargetUtilization / perReplica, 1 / spec.ScalingExponent), 9)));
        }

        if (desired == current)
        {
            template = Within;
        }

        return new Proposal
        {
            Policy = Name,
            Kind = ProposalKind.Replicas,
            Replicas = desired,
            InvalidSamples = ingest.Invalid,
            Signal = ingest.Invalid > 0 ? Signal.IngestRate : null,
            Template = template,
            Numbers = new Numbers(ingest.Mean, peak, error, perReplica, desired, fitTime),
        };
    }

    /// <summary>
    /// Events/s one replica processes when busy all the time (processed / busy, DS2's true processing rate),
    /// normalised by replicas^exponent. Measured over the window since the last rescale settled, never while one
    /// is in progress (the replicas that are ready are not yet the ones that work), and smoothed with the value the
    /// last proposal carried; that value alone while there is nothing to measure; NaN when neither exists.
    /// </summary>
    private double CapacityPerReplica(in PolicyContext context, int replicas, Proposal? previous)
    {
        var carried = previous is { Kind: ProposalKind.Replicas } last && last.Numbers[PerReplica] > 0 ? last.Numbers[PerReplica] : double.NaN;
        var from = context.Now - spec.MetricsWindow;
        if (context.LastAction is { } action && action.Time + spec.Stabilization > from)
        {
            from = action.Time + spec.Stabilization;
        }

        if (context.Component.RescaleInProgress || context.Now - from < TimeSpan.FromSeconds(30) || replicas <= 0)
        {
            return carried;
        }

        var processed = context.Window(Signal.ProcessedRate, from);
        var busy = context.Window(Signal.BusyRatio, from);
        // An idle cluster says little about its capacity: a few percent busy magnifies every error.
        if (!processed.IsOk || !busy.IsOk || busy.Mean < 0.05)
        {
            return carried;
        }

        var measured = processed.Mean / busy.Mean / Math.Pow(replicas, spec.ScalingExponent);
        if (double.IsNaN(carried) || spec.CapacitySmoothing <= TimeSpan.Zero || context.LastEntry is not { } entry)
        {
            return measured;
        }

        var weight = Math.Clamp((context.Now - entry.Time) / spec.CapacitySmoothing, 0, 1);
        return carried + ((measured - carried) * weight);
    }
}

/// <summary>The harmonic regression forecast and its back-test.</summary>
internal static class HarmonicForecast
{
    /// <summary>Below this autocorrelation a lag is not a season.</summary>
    private const double MinAutocorrelation = 0.3;

    /// <summary>
    /// The forecast's largest rate over the next lead time plus refit interval, and its back-test error; NaN when there
    /// is no forecast, with an infinite error when the history was long enough to look for a season and had none (so a
    /// decision does not promise a forecast that more of the same history will not bring).
    /// </summary>
    public readonly record struct Result(double Peak, double Error);

    public static Result Fit(SignalWindow window, DateTimeOffset now, PredictivePolicySpec spec)
    {
        var none = new Result(double.NaN, double.NaN);
        var series = Bucket(window, now, spec);
        if (series is null)
        {
            return none;
        }

        var width = spec.History.TotalSeconds / spec.Buckets;
        var minimum = (4 * spec.Harmonics) + 4; // buckets per season the harmonics need
        int season;
        if (spec.SeasonLength is { } length)
        {
            season = (int)Math.Round(length.TotalSeconds / width);
            if (season < minimum || series.Length < season)
            {
                return none;
            }
        }
        else if (series.Length < 2 * minimum)
        {
            return none; // a season must be seen twice to be found: too little history yet
        }
        else if (Detect(series, minimum) is { } found)
        {
            season = found;
        }
        else
        {
            return new Result(double.NaN, double.PositiveInfinity);
        }

        // Back-test: fit without the last lead time (at least two buckets), forecast it, compare. Both fits share
        // the normal equations of the training rows; the held-out rows are added for the full fit.
        var m = series.Length;
        var held = Math.Max(2, (int)Math.Ceiling(spec.LeadTime.TotalSeconds / width));
        var columns = 2 + (2 * spec.Harmonics);
        var train = m - held;
        if (train < Math.Max(2 * columns, season))
        {
            return none;
        }

        // x: a bucket's centre in seasons, 0 at now. The buckets are evenly spaced, so each harmonic's sine and
        // cosine advance by a fixed rotation from one bucket to the next.
        var gram = new double[columns * columns];
        var moments = new double[columns];
        var row = new double[columns];
        var rotor = new Rotor(spec.Harmonics, (0.5 - m) / season, 1.0 / season);
        for (var i = 0; i < train; i++)
        {
            Accumulate(rotor.Row(row, i), series[i], gram, moments);
        }

        var backtest = Solve(gram, moments, columns);
        var absolute = 0.0;
        for (var i = train; i < m; i++)
        {
            rotor.Row(row, i);
            absolute += Math.Abs(Dot(backtest, row) - series[i]);
            Accumulate(row, series[i], gram, moments);
        }

        // The error is relative to the mean rate of the whole history, so that troughs do not inflate it.
        var mean = series.Average();
        var error = mean > 0 ? absolute / held / mean : (absolute > 0 ? double.PositiveInfinity : 0);
        var coefficients = Solve(gram, moments, columns);
        var horizon = (spec.LeadTime + spec.RefitInterval).TotalSeconds / (season * width);
        var peak = 0.0;
        const int Points = 24;
        for (var j = 0; j <= Points; j++)
        {
            peak = Math.Max(peak, Evaluate(coefficients, horizon * j / Points, spec.Harmonics));
        }

        return new Result(peak, error);
    }

    /// <summary>
    /// Mean rate per bucket of the history, oldest first, from the first bucket with data to now; gaps are
    /// interpolated. Null when a tenth or more of those buckets are empty.
    /// </summary>
    private static double[]? Bucket(SignalWindow window, DateTimeOffset now, PredictivePolicySpec spec)
    {
        var count = spec.Buckets;
        var width = spec.History.TotalSeconds / count;
        var sums = new double[count];
        var counts = new int[count];
        var origin = (now - spec.History).UtcTicks;
        var end = now.UtcTicks;
        var ticksPerBucket = spec.History.Ticks / (double)count;
        foreach (var sample in window.Samples)
        {
            var ticks = sample.Time.UtcTicks;
            if (ticks <= origin || ticks > end || !sample.IsUsable)
            {
                continue;
            }

            var index = Math.Min(count - 1, (int)((ticks - origin) / ticksPerBucket));
            sums[index] += sample.Value;
            counts[index]++;
        }

        var first = Array.FindIndex(counts, c => c > 0);
        if (first < 0 || counts[count - 1] == 0)
        {
            return null;
        }

        var series = new double[count - first];
        var empty = 0;
        var previous = -1;
        for (var i = 0; i < series.Length; i++)
        {
            var c = counts[first + i];
            if (c == 0)
            {
                empty++;
                continue;
            }

            series[i] = sums[first + i] / c;
            for (var j = previous + 1; j < i; j++)
            {
                series[j] = series[previous] + ((series[i] - series[previous]) * (j - previous) / (i - previous));
            }

            previous = i;
        }

        return empty * 10 >= series.Length ? null : series;
    }

    /// <summary>
    /// The season in buckets: the shortest lag whose autocorrelation (of the detrended series) is a local maximum
    /// within 75% of the strongest one, at least <paramref name="minimum"/> buckets and covered twice by the
    /// series; null when no lag reaches 0.3. Searched on the series averaged down to at most 192 points, then
    /// refined at full resolution around the lag found, so a refit stays well under a millisecond. The caller
    /// passes at least two seasons of <paramref name="minimum"/> buckets.
    /// </summary>
    private static int? Detect(double[] y, int minimum)
    {
        var n = y.Length;
        var group = Math.Max(1, (int)Math.Ceiling(n / 192.0));
        var coarse = new double[n / group];
        for (var i = 0; i < coarse.Length; i++)
        {
            for (var j = 0; j < group; j++)
            {
                coarse[i] += y[(i * group) + j];
            }

            coarse[i] /= group;
        }

        var residuals = Detrend(coarse);
        if (residuals is null)
        {
            return null;
        }

        var acf = new double[(coarse.Length / 2) + 2];
        for (var lag = 1; lag < acf.Length; lag++)
        {
            acf[lag] = Autocorrelation(residuals, lag);
        }

        // Peaks at multiples of the season (a week is seven days) correlate as well or better: take the
        // shortest peak that comes close to the strongest one.
        var peaks = new List<int>();
        for (var lag = Math.Max((int)Math.Ceiling((double)minimum / group), 2); lag < acf.Length - 1; lag++)
        {
            if (acf[lag] >= MinAutocorrelation && acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1])
            {
                peaks.Add(lag);
            }
        }

        if (peaks.Count == 0)
        {
            return null;
        }

        var strongest = peaks.Max(lag => acf[lag]);
        var found = peaks.First(lag => acf[lag] >= 0.75 * strongest) * group;
        if (group == 1)
        {
            return found;
        }

        var fine = Detrend(y)!;
        var best = found;
        var bestValue = double.NegativeInfinity;
        for (var lag = Math.Max(minimum, found - group); lag <= Math.Min(n / 2, found + group); lag++)
        {
            var value = Autocorrelation(fine, lag);
            if (value > bestValue)
            {
                (best, bestValue) = (lag, value);
            }
        }

        return best;
    }

    /// <summary>The series minus its least-squares line, so a rising series does not look seasonal at every lag; null when flat.</summary>
    private static double[]? Detrend(double[] y)
    {
        var n = y.Length;
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = 0; i < n; i++)
        {
            sx += i;
            sy += y[i];
            sxx += (double)i * i;
            sxy += i * y[i];
        }

        var slope = ((n * sxy) - (sx * sy)) / ((n * sxx) - (sx * sx));
        var intercept = (sy - (slope * sx)) / n;
        var r = new double[n];
        double variance = 0;
        for (var i = 0; i < n; i++)
        {
            r[i] = y[i] - (intercept + (slope * i));
            variance += r[i] * r[i];
        }

        if (variance <= 1e-12 * Math.Max(1, sy * sy / n))
        {
            return null;
        }

        var scale = 1 / Math.Sqrt(variance);
        for (var i = 0; i < n; i++)
        {
            r[i] *= scale;
        }

        return r;
    }

    /// <summary>Autocorrelation at a lag of a series normalised to unit sum of squares.</summary>
    private static double Autocorrelation(double[] r, int lag)
    {
        var sum = 0.0;
        for (var i = 0; i + lag < r.Length; i++)
        {
            sum += r[i] * r[i + lag];
        }

        return sum;
    }

    private static void Accumulate(double[] row, double y, double[] gram, double[] moments)
    {
        var columns = row.Length;
        for (var a = 0; a < columns; a++)
        {
            var ra = row[a];
            moments[a] += ra * y;
            for (var b = a; b < columns; b++)
            {
                gram[(a * columns) + b] += ra * row[b];
            }
        }
    }

    /// <summary>Least squares from the normal equations (a small symmetric system: Cholesky, QR if it is not positive definite).</summary>
    private static double[] Solve(double[] upper, double[] moments, int columns)
    {
        var matrix = Matrix<double>.Build.Dense(columns, columns, (a, b) => upper[(Math.Min(a, b) * columns) + Math.Max(a, b)]);
        var vector = Vector<double>.Build.Dense(moments);
        try
        {
            return matrix.Cholesky().Solve(vector).ToArray();
        }
        catch (ArgumentException)
        {
            return matrix.QR().Solve(vector).ToArray();
        }
    }

    private static double Dot(double[] c, double[] row)
    {
        var sum = 0.0;
        for (var i = 0; i < row.Length; i++)
        {
            sum += c[i] * row[i];
        }

        return sum;
    }

    private static double Evaluate(double[] c, double x, int harmonics)
    {
        var y = c[0] + (c[1] * x);
        for (var k = 1; k <= harmonics; k++)
        {
            var angle = 2 * Math.PI * k * x;
            y += (c[k * 2] * Math.Sin(angle)) + (c[(k * 2) + 1] * Math.Cos(angle));
        }

        return Math.Max(0, y);
    }
}

/// <summary>The regression row of evenly spaced points: 1, x, then sin and cos of each harmonic, by rotation.</summary>
internal readonly struct Rotor
{
    private readonly int _harmonics;
    private readonly double _x0;
    private readonly double _dx;
    private readonly double[] _sinStep;
    private readonly double[] _cosStep;

    public Rotor(int harmonics, double x0, double dx)
    {
        _harmonics = harmonics;
        _x0 = x0;
        _dx = dx;
        _sinStep = new double[harmonics];
        _cosStep = new double[harmonics];
        for (var k = 0; k < harmonics; k++)
        {
            (_sinStep[k], _cosStep[k]) = Math.SinCos(2 * Math.PI * (k + 1) * dx);
        }
    }

    /// <summary>Fills <paramref name="row"/> for point <paramref name="i"/>; points must be visited in order from 0.</summary>
    public double[] Row(double[] row, int i)
    {
        row[0] = 1;
        row[1] = _x0 + (i * _dx);
        for (var k = 0; k < _harmonics; k++)
        {
            if (i == 0 || (i & 255) == 0)
            {
                // Start again from the exact angle now and then, so rounding does not drift.
                (row[2 + (2 * k)], row[3 + (2 * k)]) = Math.SinCos(2 * Math.PI * (k + 1) * row[1]);
            }
            else
            {
                var sin = row[2 + (2 * k)];
                var cos = row[3 + (2 * k)];
                row[2 + (2 * k)] = (sin * _cosStep[k]) + (cos * _sinStep[k]);
                row[3 + (2 * k)] = (cos * _cosStep[k]) - (sin * _sinStep[k]);
            }
        }

        return row;
    }
}
