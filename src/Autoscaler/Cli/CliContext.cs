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

    /// <summary>
    /// The process's console. Piped or redirected output, or NO_COLOR (no-color.org) set, gets plain text: no colours,
    /// no bold, no escape codes; a file has no width, so tables are laid out 240 columns wide instead of wrapped at 80.
    /// </summary>
    public static CliContext ForProcess()
    {
        var redirected = System.Console.IsOutputRedirected;
        var plain = redirected || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(System.Console.Out),
        });
        if (redirected)
        {
            console.Profile.Width = 240;
        }

        return new(console, System.Console.Out, System.Console.Error);
    }

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
