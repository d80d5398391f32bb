namespace RwAutoscaler.Simulator.Workloads;

/// <summary>A trace file that cannot be read: names the file, the line and the field.</summary>
internal sealed class TraceFormatException : Exception
{
    public TraceFormatException(string file, int line, string field, string message)
        : base(line > 0 ? $"{file}: line {line}: {field}: {message}" : $"{file}: {field}: {message}")
    {
        File = file;
        Line = line;
        Field = field;
    }

    public TraceFormatException()
    {
        File = Field = "";
    }

    public TraceFormatException(string message) : base(message)
    {
        File = Field = "";
    }

    public TraceFormatException(string message, Exception innerException) : base(message, innerException)
    {
        File = Field = "";
    }

    public string File { get; }

    public int Line { get; }

    public string Field { get; }
}
