using RwAutoscaler.Autoscaler;
using RwAutoscaler.Autoscaler.Cli;
using Spectre.Console;

namespace RwAutoscaler.Autoscaler.Tests.Commands;

/// <summary>Runs the real command tree in process and captures what a user would see.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        var cli = new CliContext(console, output, error);
        var code = CommandLine.Run(cli, args, new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// <see cref="Run"/> on a thread of its own: the command blocks while it waits for its queries, and a test that serves
    /// HTTP in this process (an exporter Prometheus scrapes) needs the pool's threads meanwhile, or its scrapes time out.
    /// </summary>
    public static Task<Result> RunAsync(params string[] args) =>
        Task.Factory.StartNew(() => Run(args), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>The repository root, found from the test's working directory, so tests can use the shipped examples.</summary>
    public static string Repo(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Autoscaler.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), relative);
    }
}
