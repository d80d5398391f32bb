namespace RwAutoscaler.Kube.Config;

/// <summary>A configuration that cannot be used; the message names the file and field and what was expected.</summary>
public sealed class KubeConfigException : Exception
{
    public KubeConfigException()
    {
    }

    public KubeConfigException(string message)
        : base(message)
    {
    }

    public KubeConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
