namespace RwAutoscaler.Simulator.Workloads;

/// <summary>The three layouts of the public traces (shared/traces/README.md).</summary>
internal enum TraceFormat
{
    /// <summary>Decide from the header.</summary>
    Auto,
    /// <summary><c>timestamp,value</c>, one row per fixed step (NAB).</summary>
    TimestampValue,
    /// <summary><c>second|count</c>, one row per second (Daedalus).</summary>
    SecondCount,
    /// <summary>One row per arrival, the timestamp first (Azure LLM inference).</summary>
    Arrivals,
}

internal static class TraceFormatNames
{
    public static readonly (string Name, TraceFormat Format)[] All =
    [
        ("auto", TraceFormat.Auto),
        ("timestamp-value", TraceFormat.TimestampValue),
        ("second-count", TraceFormat.SecondCount),
        ("arrivals", TraceFormat.Arrivals),
    ];
}
