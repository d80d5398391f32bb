using System.Globalization;
using RwAutoscaler.Policies.Configuration;

namespace RwAutoscaler.Simulator.Tuning;

/// <summary>
/// A path into a configuration tree, e.g. <c>compute.policies[0].targetUtilization</c>: map keys separated by dots,
/// list items by <c>[index]</c>. Setting a value returns a new tree; a missing last key is added.
/// </summary>
internal sealed record ConfigPath(string Text, IReadOnlyList<(string Key, int? Index)> Segments)
{
    public static bool TryParse(string text, out ConfigPath path, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        path = new ConfigPath(text, []);
        var segments = new List<(string, int?)>();
        foreach (var part in text.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var key = bracket < 0 ? part : part[..bracket];
            int? index = null;
            if (bracket >= 0)
            {
                if (!part.EndsWith(']') || !int.TryParse(part.AsSpan(bracket + 1, part.Length - bracket - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var i))
                {
                    error = $"'{part}' must be a key or key[index]";
                    return false;
                }

                index = i;
            }

            if (key.Length == 0)
            {
                error = $"'{text}' has an empty key; write keys separated by dots, e.g. compute.policies[0].targetUtilization";
                return false;
            }

            segments.Add((key, index));
        }

        path = new ConfigPath(text, segments);
        error = "";
        return true;
    }

    /// <summary>The tree with the value at this path replaced; throws <see cref="InvalidOperationException"/> naming the missing part.</summary>
    public ConfigNode Set(ConfigNode root, string value) => Set(root, 0, value);

    private ConfigNode Set(ConfigNode node, int depth, string value)
    {
        var (key, index) = Segments[depth];
        if (node is not ConfigMap map)
        {
            throw new InvalidOperationException($"{Text}: '{key}' is looked up in {node.Kind}, not a map");
        }

        var entries = map.Entries.ToList();
        var at = entries.FindIndex(e => e.Key == key);
        var last = depth == Segments.Count - 1;
        if (at < 0)
        {
            if (!last || index is not null)
            {
                throw new InvalidOperationException($"{Text}: the base policy has no '{key}'");
            }

            entries.Add(new(key, new ConfigScalar(value, false)));
            return map with { Entries = entries };
        }

        var child = entries[at].Value;
        ConfigNode replaced;
        if (index is { } i)
        {
            if (child is not ConfigSeq seq || i >= seq.Items.Count)
            {
                throw new InvalidOperationException($"{Text}: '{key}' has no item [{i}]");
            }

            var items = seq.Items.ToList();
            items[i] = last ? new ConfigScalar(value, false, items[i].Line, items[i].Column) : Set(items[i], depth + 1, value);
            replaced = seq with { Items = items };
        }
        else
        {
            replaced = last ? new ConfigScalar(value, false, child.Line, child.Column) : Set(child, depth + 1, value);
        }

        entries[at] = new(key, replaced);
        return map with { Entries = entries };
    }
}
