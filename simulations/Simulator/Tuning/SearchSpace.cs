using RwAutoscaler.Policies.Engine;
using System.Collections.Immutable;
using System.Globalization;
using RwAutoscaler.Policies.Configuration;

namespace RwAutoscaler.Simulator.Tuning;

/// <summary>One tuned parameter: where it sits in the policy file and the values it may take.</summary>
internal sealed record Parameter
{
    public required ConfigPath Path { get; init; }

    /// <summary>A numeric or duration range (durations in seconds); null for a list of values.</summary>
    public (double Min, double Max)? Range { get; init; }

    public bool IsDuration { get; init; }

    public bool IsInteger { get; init; }

    /// <summary>Sample the range on a log scale (for values spanning orders of magnitude).</summary>
    public bool Log { get; init; }

    public ImmutableArray<string> Values { get; init; } = [];

    /// <summary>Line of the parameter in the space file, for errors.</summary>
    public int Line { get; init; }

    /// <summary>The text to put in the file for a position in [0, 1).</summary>
    public string ValueAt(double unit)
    {
        if (Range is not { } range)
        {
            return Values[Math.Min(Values.Length - 1, (int)(unit * Values.Length))];
        }

        var value = Log
            ? Math.Exp(Math.Log(range.Min) + (unit * (Math.Log(range.Max) - Math.Log(range.Min))))
            : range.Min + (unit * (range.Max - range.Min));
        if (IsDuration)
        {
            return Durations.Format(TimeSpan.FromSeconds(Math.Round(value)));
        }

        return IsInteger
            ? Math.Round(value).ToString(CultureInfo.InvariantCulture)
            : Math.Round(value, 3).ToString("0.###", CultureInfo.InvariantCulture);
    }
}

/// <summary>A search space file: the base policy, the parameters to vary, and the objective's weight on violations.</summary>
internal sealed record SearchSpace
{
    public required string Source { get; init; }

    /// <summary>The base policy document; candidates are this tree with the parameters set.</summary>
    public required ConfigNode Base { get; init; }

    public required string BasePath { get; init; }

    /// <summary>The policy types candidates are read with (the host's; null: the built-in ones).</summary>
    public PolicyRegistry? Registry { get; init; }

    public required ImmutableArray<Parameter> Parameters { get; init; }

    /// <summary>objective = cost / lower bound + weight x share of time with the SLO violated, averaged over the scenarios.</summary>
    public double ViolationWeight { get; init; } = 20;

    /// <summary>When set, a candidate that rescales compactors more often than this in any scenario ranks behind every one that does not.</summary>
    public double? MaxCompactorRescalesPerHour { get; init; }

    public ulong Seed { get; init; } = 1;
}
