namespace RwAutoscaler.Autoscaler.Recording;

/// <summary>A recording file that cannot be read: the message names the file and the byte offset.</summary>
public sealed class RecordingFormatException : Exception
{
    public RecordingFormatException()
    {
    }

    public RecordingFormatException(string message) : base(message)
    {
    }

    public RecordingFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public static RecordingFormatException At(string file, long offset, string problem, Exception? inner = null) =>
        new($"{file}: offset {offset}: {problem}", inner!);
}
