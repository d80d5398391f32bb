using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Json;
using Spectre.Console;

namespace RwAutoscaler.Autoscaler.Cli;

/// <summary>Where commands write, and the one place that turns failures into exit codes and messages.</summary>
internal sealed class CliContext(IAnsiConsole console, TextWriter output, TextWriter error)
{
    public IAnsiConsole Console { get; } = console;

    /// <summary>Plain output for machine-readable results (JSON), never decorated.</summary>
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public static CliContext ForProcess() => new(AnsiConsole.Console, System.Console.Out, System.Console.Error);

    public int Run(Func<int> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return action();
        }
        catch (Exception e) when (e is CliError or SpecException or JsonFormatException)
        {
            Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }

    public async Task<int> RunAsync(Func<Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action();
        }
        catch (Exception e) when (e is CliError or SpecException or JsonFormatException)
        {
            await Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }
}
