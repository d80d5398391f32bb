namespace RwAutoscaler.Autoscaler.Cli;

/// <summary>
/// An error in what the user gave us (a file, an argument). The CLI prints its message, never a stack trace,
/// and exits with <see cref="ExitCodes.BadInput"/>.
/// </summary>
internal sealed class CliError : Exception
{
    public CliError()
    {
    }

    public CliError(string message) : base(message)
    {
    }

    public CliError(string message, Exception innerException) : base(message, innerException)
    {
    }
}

internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
}
