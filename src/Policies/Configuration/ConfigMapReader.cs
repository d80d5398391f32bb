using System.Collections.Immutable;
using System.Globalization;

namespace RwAutoscaler.Policies.Configuration;

/// <summary>
/// Reads the fields of one map, checking each against its expected form, and reports unknown fields
/// (usually typos) when <see cref="Done"/> is called. Every error names the full path of the field.
/// </summary>
public sealed class ConfigMapReader
{
    private readonly Dictionary<string, ConfigNode> _fields;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public ConfigMapReader(ConfigMap map, string path, SpecErrorList errors)
    {
        ArgumentNullException.ThrowIfNull(map);
        Node = map;
        Path = path;
        Errors = errors;
        _fields = new Dictionary<string, ConfigNode>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            _fields[key] = value;
        }
    }

    public ConfigMap Node { get; }

    public string Path { get; }

    public SpecErrorList Errors { get; }

    /// <summary>Opens a node as a map, or records that it should have been one.</summary>
    public static ConfigMapReader? Open(ConfigNode? node, string path, SpecErrorList errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        switch (node)
        {
            case ConfigMap map:
                return new ConfigMapReader(map, path, errors);
            case null:
                return null;
            default:
                errors.Add(path, $"must be a map, got {node.Kind}", node);
                return null;
        }
    }

    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public bool Has(string key) => _fields.TryGetValue(key, out var node) && node is not ConfigScalar { IsNull: true };

    /// <summary>The raw node of a field (null when absent or null), marking it as read.</summary>
    public ConfigNode? Field(string key)
    {
        _read.Add(key);
        return _fields.TryGetValue(key, out var node) && node is not ConfigScalar { IsNull: true } ? node : null;
    }

    public double Number(string key, double fallback, NumberRange range) => OptionalNumber(key, range) ?? fallback;

    public double? OptionalNumber(string key, NumberRange range)
    {
        if (Field(key) is not { } node)
        {
            return null;
        }

        if (node is not ConfigScalar scalar
            || !double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value))
        {
            Fail(key, node, $"must be a number in {range}, got {Show(node)}");
            return null;
        }

        if (!range.Contains(value))
        {
            Fail(key, node, $"must be in {range}, got {scalar.Value}");
            return null;
        }

        return value;
    }

    public int Integer(string key, int fallback, int min = int.MinValue, int max = int.MaxValue) =>
        OptionalInteger(key, min, max) ?? fallback;

    public int? RequiredInteger(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!Has(key))
        {
            _read.Add(key);
            Errors.Add(PathOf(key), $"is required: {DescribeInteger(min, max)}", Node);
            return null;
        }

        return OptionalInteger(key, min, max);
    }

    public int? OptionalInteger(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        if (Field(key) is not { } node)
        {
            return null;
        }

        if (node is not ConfigScalar scalar
            || !long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Fail(key, node, $"must be {DescribeInteger(min, max)}, got {Show(node)}");
            return null;
        }

        if (value < min || value > max)
        {
            Fail(key, node, $"must be {DescribeInteger(min, max)}, got {scalar.Value}");
            return null;
        }

        return (int)value;
    }

    public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan? min = null, TimeSpan? max = null) =>
        OptionalDuration(key, min, max) ?? fallback;

    public TimeSpan? OptionalDuration(string key, TimeSpan? min = null, TimeSpan? max = null)
    {
        if (Field(key) is not { } node)
        {
            return null;
        }

        if (node is not ConfigScalar scalar || !Durations.TryParse(scalar.Value, out var value))
        {
            Fail(key, node, $"must be a duration like 30s, 5m or 1h30m, got {Show(node)}");
            return null;
        }

        if ((min is { } lo && value < lo) || (max is { } hi && value > hi))
        {
            var range = $"[{Durations.Format(min ?? TimeSpan.Zero)}, {(max is { } m ? Durations.Format(m) : "inf")}]";
            Fail(key, node, $"must be a duration in {range}, got {scalar.Value}");
            return null;
        }

        return value;
    }

    public bool Boolean(string key, bool fallback)
    {
        if (Field(key) is not { } node)
        {
            return fallback;
        }

        if (node is ConfigScalar { Value: "true" or "True" or "TRUE" })
        {
            return true;
        }

        if (node is ConfigScalar { Value: "false" or "False" or "FALSE" })
        {
            return false;
        }

        Fail(key, node, $"must be true or false, got {Show(node)}");
        return fallback;
    }

    public string? OptionalString(string key)
    {
        if (Field(key) is not { } node)
        {
            return null;
        }

        if (node is not ConfigScalar scalar)
        {
            Fail(key, node, $"must be a string, got {node.Kind}");
            return null;
        }

        return scalar.Value;
    }

    /// <summary>One of a fixed set of words, e.g. <c>combine: max|min|priority</c>.</summary>
    public T Choice<T>(string key, T fallback, params (string Name, T Value)[] options)
    {
        if (Field(key) is not { } node)
        {
            return fallback;
        }

        if (node is ConfigScalar scalar)
        {
            foreach (var (name, value) in options)
            {
                if (string.Equals(name, scalar.Value, StringComparison.Ordinal))
                {
                    return value;
                }
            }
        }

        Fail(key, node, $"must be one of {string.Join(", ", options.Select(o => o.Name))}, got {Show(node)}");
        return fallback;
    }

    public ConfigMapReader? Map(string key) => Open(Field(key), PathOf(key), Errors);

    /// <summary>Reads a list whose items are parsed by <paramref name="item"/> (which returns null after recording an error).</summary>
    public ImmutableArray<T> List<T>(string key, Func<ConfigNode, string, T?> item)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(item);
        if (Field(key) is not { } node)
        {
            return [];
        }

        if (node is not ConfigSeq seq)
        {
            Fail(key, node, $"must be a list, got {node.Kind}");
            return [];
        }

        var builder = ImmutableArray.CreateBuilder<T>(seq.Items.Count);
        for (var i = 0; i < seq.Items.Count; i++)
        {
            if (item(seq.Items[i], $"{PathOf(key)}[{i}]") is { } value)
            {
                builder.Add(value);
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>Records every field that nobody read: a misspelt field must not be silently ignored.</summary>
    public void Done()
    {
        var known = _read.Order(StringComparer.Ordinal).ToList();
        foreach (var (key, value) in Node.Entries)
        {
            if (!_read.Contains(key))
            {
                var hint = Closest(key, known) is { } close ? $"; did you mean {close}?" : ".";
                Errors.Add(PathOf(key), $"unknown field{hint} Expected one of: {string.Join(", ", known)}", value);
            }
        }
    }

    public void Fail(string key, ConfigNode at, string message) => Errors.Add(PathOf(key), message, at);

    private static string DescribeInteger(int min, int max) => (min, max) switch
    {
        (int.MinValue, int.MaxValue) => "an integer",
        (_, int.MaxValue) => $"an integer >= {min}",
        _ => $"an integer in [{min}, {max}]",
    };

    private static string Show(ConfigNode node) => node is ConfigScalar s ? $"'{s.Value}'" : node.Kind;

    private static string? Closest(string key, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Levenshtein(key.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        return bestDistance <= Math.Max(2, key.Length / 4) ? best : null;
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
