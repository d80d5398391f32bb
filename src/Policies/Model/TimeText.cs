using System.Globalization;

namespace RwAutoscaler.Policies.Model;

/// <summary>Times in messages as people write them in annotations and flags: RFC 3339 in UTC, whole seconds unless not.</summary>
public static class TimeText
{
    /// <summary>2026-12-03T18:00:00Z, or 2026-12-03T18:00:00.250Z with a fraction of a second.</summary>
    public static string Rfc3339(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return utc.ToString(utc.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }
}
