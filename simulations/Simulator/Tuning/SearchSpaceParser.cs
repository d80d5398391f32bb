using RwAutoscaler.Policies.Engine;
using System.Collections.Immutable;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Simulator.Scenarios;

namespace RwAutoscaler.Simulator.Tuning;

/// <summary>
/// Reads a search space file. Errors name the file, the line and the field; every parameter path is checked
/// against the base policy, and the base policy with each parameter at both ends of its range must be valid.
/// </summary>
internal static class SearchSpaceParser
{
    public static SearchSpace ReadFile(string path, PolicyRegistry? registry = null)
    {
        var text = SpecFile.ReadText(path);
        return Parse(text, path, registry);
    }

    public static SearchSpace Parse(string text, string path, PolicyRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var errors = new SpecErrorList();
        var map = ConfigMapReader.Open(ConfigLoader.Parse(text, name), "", errors);
        if (map is null)
        {
            errors.Add("", "must be a map with base, parameters and objective");
            errors.ThrowIfAny(name);
        }

        var basePath = map!.OptionalString("base");
        ConfigNode? baseNode = null;
        if (basePath is null)
        {
            errors.Add("base", "is required: the policy file to start from", map.Node);
        }
        else if (!File.Exists(Path.Combine(folder, basePath)))
        {
            map.Fail("base", map.Field("base")!, $"file not found: {Path.GetFullPath(Path.Combine(folder, basePath))}");
        }
        else
        {
            var full = Path.GetFullPath(Path.Combine(folder, basePath));
            baseNode = ConfigLoader.Parse(File.ReadAllText(full), Path.GetFileName(full));
        }

        var parameters = map.List("parameters", (node, at) => ReadParameter(node, at, errors));
        if (parameters.IsEmpty && !map.Has("parameters"))
        {
            errors.Add("parameters", "is required: a list of {path, min, max} or {path, values}", map.Node);
        }

        var weight = 20.0;
        double? maxCompactorRescales = null;
        if (map.Map("objective") is { } objective)
        {
            weight = objective.Number("violationWeight", weight, NumberRange.NonNegative);
            maxCompactorRescales = objective.OptionalNumber("maxCompactorRescalesPerHour", NumberRange.Positive);
            objective.Done();
        }

        var seed = (ulong)map.Integer("seed", 1, 0);
        map.Done();
        errors.ThrowIfAny(name);

        var space = new SearchSpace
        {
            Source = Path.GetFullPath(path),
            Base = baseNode!,
            BasePath = Path.GetFullPath(Path.Combine(folder, basePath!)),
            Parameters = parameters,
            Registry = registry,
            ViolationWeight = weight,
            MaxCompactorRescalesPerHour = maxCompactorRescales,
            Seed = seed,
        };
        Check(space, name);
        return space;
    }

    private static Parameter? ReadParameter(ConfigNode node, string at, SpecErrorList errors)
    {
        var map = ConfigMapReader.Open(node, at, errors);
        if (map is null)
        {
            return null;
        }

        var text = map.OptionalString("path");
        ConfigPath? path = null;
        if (text is null)
        {
            errors.Add(map.PathOf("path"), "is required, e.g. compute.policies[0].targetUtilization", node);
        }
        else if (!ConfigPath.TryParse(text, out var parsed, out var error))
        {
            map.Fail("path", map.Field("path")!, error);
        }
        else
        {
            path = parsed;
        }

        var log = map.Boolean("log", false);
        var integer = map.Boolean("integer", false);
        var values = ImmutableArray<string>.Empty;
        if (map.Field("values") is { } valuesNode)
        {
            if (valuesNode is ConfigSeq { Items.Count: > 0 } seq && seq.Items.All(i => i is ConfigScalar))
            {
                values = [.. seq.Items.Cast<ConfigScalar>().Select(s => s.Value)];
            }
            else
            {
                map.Fail("values", valuesNode, "must be a non-empty list of values");
            }
        }

        var minText = map.OptionalString("min");
        var maxText = map.OptionalString("max");
        (double, double)? range = null;
        var isDuration = false;
        if (values.IsEmpty)
        {
            if (minText is null || maxText is null)
            {
                errors.Add(at, "must set min and max (numbers or durations such as 30s), or values", node);
            }
            else if (TryNumber(minText, out var lo) && TryNumber(maxText, out var hi))
            {
                range = Order(map, lo, hi);
            }
            else if (Durations.TryParse(minText, out var dlo) && Durations.TryParse(maxText, out var dhi))
            {
                isDuration = true;
                range = Order(map, dlo.TotalSeconds, dhi.TotalSeconds);
            }
            else
            {
                map.Fail("min", map.Field("min")!, $"min and max must both be numbers or both durations, got '{minText}' and '{maxText}'");
            }

            if (log && range is { Item1: <= 0 })
            {
                map.Fail("log", map.Field("log")!, "a log scale needs min > 0");
            }
        }
        else if (minText is not null || maxText is not null)
        {
            errors.Add(at, "set either values or min and max, not both", node);
        }

        map.Done();
        return path is null || (range is null && values.IsEmpty)
            ? null
            : new Parameter { Path = path, Range = range, IsDuration = isDuration, IsInteger = integer, Log = log, Values = values, Line = node.Line };
    }

    private static (double, double)? Order(ConfigMapReader map, double lo, double hi)
    {
        if (lo > hi)
        {
            map.Fail("min", map.Field("min")!, $"must not exceed max ({hi}), got {lo}");
            return null;
        }

        return (lo, hi);
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value);

    // Every path must exist in the base and every extreme must give a valid policy: a bad space fails now, not after hours.
    private static void Check(SearchSpace space, string name)
    {
        var errors = new List<SpecError>();
        for (var i = 0; i < space.Parameters.Length; i++)
        {
            var parameter = space.Parameters[i];
            foreach (var unit in new[] { 0.0, 0.999999 })
            {
                var value = parameter.ValueAt(unit);
                try
                {
                    PolicyFile.FromNode(parameter.Path.Set(space.Base, value), Path.GetFileName(space.BasePath), "candidate", space.Registry);
                }
                catch (InvalidOperationException e)
                {
                    errors.Add(new SpecError($"parameters[{i}].path", e.Message, parameter.Line));
                    break;
                }
                catch (SpecException e)
                {
                    errors.Add(new SpecError($"parameters[{i}]", $"{parameter.Path.Text} = {value} makes the policy invalid: {e.Message}", parameter.Line));
                    break;
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new SpecException(name, errors);
        }
    }
}
