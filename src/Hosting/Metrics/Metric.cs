using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace RwAutoscaler.Hosting.Metrics;

/// <summary>A metric family: a name, help, label names, and one child per combination of label values.</summary>
public abstract class Metric
{
    private protected Metric(string name, string help, string[] labelNames, string type)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid Prometheus metric name", nameof(name));
        }

        foreach (var label in labelNames)
        {
            if (!IsValidName(label) || label.Contains(':', StringComparison.Ordinal) || label.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{label}' is not a valid Prometheus label name", nameof(labelNames));
            }
        }

        Name = name;
        Help = help;
        LabelNames = labelNames;
        Type = type;
    }

    public string Name { get; }

    public string Help { get; }

    public IReadOnlyList<string> LabelNames { get; }

    public string Type { get; }

    internal void Write(StringBuilder text)
    {
        text.Append("# HELP ").Append(Name).Append(' ').Append(EscapeHelp(Help)).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(' ').Append(Type).Append('\n');
        WriteSamples(text);
    }

    private protected abstract void WriteSamples(StringBuilder text);

    private protected string[] CheckLabels(string[] values)
    {
        if (values.Length != LabelNames.Count)
        {
            throw new ArgumentException($"{Name} takes {LabelNames.Count} label values ({string.Join(", ", LabelNames)}), got {values.Length}");
        }

        return values;
    }

    private protected static string Key(string[] values) => string.Join('\u0001', values);

    /// <summary><c>name{a="1",b="2"} value</c>; <paramref name="extra"/> adds one more label (a histogram's <c>le</c>).</summary>
    private protected void WriteSample(StringBuilder text, string name, string[] values, double value, string? extraName = null, string? extraValue = null)
    {
        text.Append(name);
        if (values.Length > 0 || extraName is not null)
        {
            text.Append('{');
            for (var i = 0; i < values.Length; i++)
            {
                text.Append(i > 0 ? "," : "").Append(LabelNames[i]).Append("=\"").Append(EscapeLabel(values[i])).Append('"');
            }

            if (extraName is not null)
            {
                text.Append(values.Length > 0 ? "," : "").Append(extraName).Append("=\"").Append(extraValue).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(Format(value)).Append('\n');
    }

    internal static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeLabel(string value) => value
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal);

    private static bool IsValidName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');
}

/// <summary>A value that only goes up (reset on restart). Names end in <c>_total</c>.</summary>
public sealed class Counter : Metric
{
    private readonly ConcurrentDictionary<string, (string[] Labels, Cell Cell)> _children = new(StringComparer.Ordinal);

    internal Counter(string name, string help, string[] labelNames) : base(name, help, labelNames, "counter")
    {
        if (!name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new ArgumentException($"counter names end in _total (got {name})", nameof(name));
        }
    }

    public void Inc(double amount = 1, params string[] labels)
    {
        if (amount < 0 || double.IsNaN(amount))
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "a counter only goes up");
        }

        Child(labels).Add(amount);
    }

    public double Value(params string[] labels) => _children.TryGetValue(Key(labels), out var child) ? child.Cell.Value : 0;

    private Cell Child(string[] labels) => _children.GetOrAdd(Key(CheckLabels(labels)), _ => ((string[])labels.Clone(), new Cell())).Cell;

    private protected override void WriteSamples(StringBuilder text)
    {
        foreach (var (labels, cell) in _children.Values.OrderBy(c => Key(c.Labels), StringComparer.Ordinal))
        {
            WriteSample(text, Name, labels, cell.Value);
        }
    }
}

/// <summary>A value that goes up and down.</summary>
public sealed class Gauge : Metric
{
    private readonly ConcurrentDictionary<string, (string[] Labels, Cell Cell)> _children = new(StringComparer.Ordinal);

    internal Gauge(string name, string help, string[] labelNames) : base(name, help, labelNames, "gauge")
    {
    }

    public void Set(double value, params string[] labels) => Child(labels).Set(value);

    public void Inc(double amount = 1, params string[] labels) => Child(labels).Add(amount);

    public void Dec(double amount = 1, params string[] labels) => Child(labels).Add(-amount);

    /// <summary>Forgets one label combination (a cluster that no longer exists).</summary>
    public void Remove(params string[] labels) => _children.TryRemove(Key(labels), out _);

    public double Value(params string[] labels) => _children.TryGetValue(Key(labels), out var child) ? child.Cell.Value : 0;

    private Cell Child(string[] labels) => _children.GetOrAdd(Key(CheckLabels(labels)), _ => ((string[])labels.Clone(), new Cell())).Cell;

    private protected override void WriteSamples(StringBuilder text)
    {
        foreach (var (labels, cell) in _children.Values.OrderBy(c => Key(c.Labels), StringComparer.Ordinal))
        {
            WriteSample(text, Name, labels, cell.Value);
        }
    }
}

/// <summary>Observations counted into cumulative buckets, with their sum and count.</summary>
public sealed class Histogram : Metric
{
    private readonly double[] _bounds;
    private readonly ConcurrentDictionary<string, (string[] Labels, Buckets Buckets)> _children = new(StringComparer.Ordinal);

    internal Histogram(string name, string help, double[] buckets, string[] labelNames) : base(name, help, labelNames, "histogram")
    {
        if (buckets.Length == 0 || buckets.Zip(buckets.Skip(1)).Any(pair => pair.First >= pair.Second))
        {
            throw new ArgumentException("buckets must be increasing and not empty", nameof(buckets));
        }

        if (labelNames.Contains("le"))
        {
            throw new ArgumentException("a histogram cannot have a label named le", nameof(labelNames));
        }

        _bounds = buckets;
    }

    public void Observe(double value, params string[] labels) =>
        _children.GetOrAdd(Key(CheckLabels(labels)), _ => ((string[])labels.Clone(), new Buckets(_bounds.Length))).Buckets.Observe(_bounds, value);

    public long Count(params string[] labels) => _children.TryGetValue(Key(labels), out var child) ? child.Buckets.Snapshot().Count : 0;

    private protected override void WriteSamples(StringBuilder text)
    {
        foreach (var (labels, buckets) in _children.Values.OrderBy(c => Key(c.Labels), StringComparer.Ordinal))
        {
            var (counts, sum, count) = buckets.Snapshot();
            long cumulative = 0;
            for (var i = 0; i < _bounds.Length; i++)
            {
                cumulative += counts[i];
                WriteSample(text, Name + "_bucket", labels, cumulative, "le", Format(_bounds[i]));
            }

            WriteSample(text, Name + "_bucket", labels, count, "le", "+Inf");
            WriteSample(text, Name + "_sum", labels, sum);
            WriteSample(text, Name + "_count", labels, count);
        }
    }

    private sealed class Buckets(int size)
    {
        private readonly long[] _counts = new long[size];
        private double _sum;
        private long _count;

        public void Observe(double[] bounds, double value)
        {
            lock (_counts)
            {
                var index = Array.FindIndex(bounds, b => value <= b);
                if (index >= 0)
                {
                    _counts[index]++;
                }

                _sum += value;
                _count++;
            }
        }

        public (long[] Counts, double Sum, long Count) Snapshot()
        {
            lock (_counts)
            {
                return ((long[])_counts.Clone(), _sum, _count);
            }
        }
    }
}

/// <summary>A double updated atomically.</summary>
internal sealed class Cell
{
    private double _value;

    public double Value => Volatile.Read(ref _value);

    public void Set(double value) => Volatile.Write(ref _value, value);

    public void Add(double amount)
    {
        double seen, updated;
        do
        {
            seen = Volatile.Read(ref _value);
            updated = seen + amount;
        }
        while (Interlocked.CompareExchange(ref _value, updated, seen) != seen);
    }
}
