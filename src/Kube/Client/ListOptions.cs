namespace RwAutoscaler.Kube.Client;

/// <summary>Query parameters of a LIST (metav1.ListOptions).</summary>
public sealed record ListOptions
{
    /// <summary>e.g. "app=rw,component in (compute,frontend),!canary".</summary>
    public string? LabelSelector { get; init; }

    /// <summary>e.g. "metadata.name=rw".</summary>
    public string? FieldSelector { get; init; }

    public int? Limit { get; init; }

    public string? Continue { get; init; }

    /// <summary>Unset: most recent (quorum read). "0": any version, possibly stale.</summary>
    public string? ResourceVersion { get; init; }

    public string? ResourceVersionMatch { get; init; }
}

/// <summary>Query parameters of a WATCH.</summary>
public sealed record WatchOptions
{
    /// <summary>Unset or "0": synthetic ADDED for every object first. Otherwise: changes after exactly this version.</summary>
    public string? ResourceVersion { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    public bool AllowWatchBookmarks { get; init; } = true;

    /// <summary>The server ends the stream after this; a normal end is expected and resumable.</summary>
    public int? TimeoutSeconds { get; init; }
}

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
}

/// <summary>One watch event. For a bookmark, only <c>metadata.resourceVersion</c> of the object is meaningful.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T Object);
