namespace RwAutoscaler.Policies.Json;

/// <summary>A JSON document that does not follow the documented contract; the message names the path.</summary>
public sealed class JsonFormatException : Exception
{
    public JsonFormatException()
    {
    }

    public JsonFormatException(string message) : base(message)
    {
    }

    public JsonFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
