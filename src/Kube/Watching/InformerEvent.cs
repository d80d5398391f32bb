namespace RwAutoscaler.Kube.Watching;

public enum InformerEventType
{
    Added,
    Updated,
    Deleted,
}

/// <summary>A change to the informer's cache. <see cref="Previous"/> is the cached state before an update.</summary>
public sealed record InformerEvent<T>(InformerEventType Type, T Object, T? Previous = null)
    where T : class;
