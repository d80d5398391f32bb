namespace RwAutoscaler.TestKit.FakeKube.Patching;

/// <summary>RFC 6901 pointers: "/metadata/labels/app.kubernetes.io~1name".</summary>
public static class JsonPointer
{
    public static string Escape(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
    }

    public static string Unescape(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
    }

    /// <summary>Builds a pointer from raw (unescaped) segments.</summary>
    public static string Create(params string[] segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        return string.Concat(segments.Select(s => "/" + Escape(s)));
    }

    /// <summary>Splits a pointer into unescaped segments; "" is the whole document.</summary>
    public static IReadOnlyList<string> Parse(string pointer)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        if (pointer.Length == 0)
        {
            return [];
        }
        if (pointer[0] != '/')
        {
            throw new JsonPatchException($"path '{pointer}' is not a JSON pointer: it must be empty or start with '/'");
        }
        return pointer[1..].Split('/').Select(Unescape).ToArray();
    }
}
