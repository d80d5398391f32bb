using RwAutoscaler.Operator.Cli;
using RwAutoscaler.TestKit;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Cli;

/// <summary>Starts processes: run alone, not beside the fixtures whose informers have deadlines.</summary>
[CollectionDefinition(nameof(OperatorProcesses), DisableParallelization = true)]
public sealed class OperatorProcesses;

/// <summary>rw-operator takes its flags in the forms autoscaler run takes them, and says what is wrong as autoscaler does.</summary>
[Collection(nameof(OperatorProcesses))]
public sealed class OperatorCommandLineTests
{
    [Theory]
    [InlineData("0.0.0.0:8080", "http://0.0.0.0:8080")]
    [InlineData("127.0.0.1:0", "http://127.0.0.1:0")]
    [InlineData("http://127.0.0.1:9090", "http://127.0.0.1:9090")]
    [InlineData("[::]:8080", "http://[::]:8080")]
    [InlineData("8080", null)]
    [InlineData("http://0.0.0.0", null)]
    [InlineData("https://0.0.0.0:8443", null)]
    [InlineData("http://0.0.0.0:8080/metrics", null)]
    public void Listen_takes_host_and_port_as_autoscaler_does_or_a_url(string given, string? url) =>
        Assert.Equal(url, RunCommand.ListenUrl(given));

    [Theory]
    [InlineData(new[] { "--log-level", "Verbose" }, "error: Argument 'Verbose' not recognized. Must be one of: 'debug', 'information', 'warning', 'error' (see: rw-operator --help)")]
    [InlineData(new[] { "--listen", "8080" }, "error: --listen: expected host:port such as 0.0.0.0:8080 (or http://host:port), got '8080' (see: rw-operator --help)")]
    [InlineData(new[] { "--nosuch" }, "error: Unrecognized command or argument '--nosuch'. (see: rw-operator --help)")]
    [InlineData(new[] { "--kubeconfig", "/nonexistent/kubeconfig" }, "error: cannot load the Kubernetes configuration:")]
    public async Task A_mistake_is_one_error_line_and_exit_code_2(string[] args, string message)
    {
        var result = await ExternalTool.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "rw-operator.dll"), .. args], timeout: TimeSpan.FromMinutes(1));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(message, result.StandardError, StringComparison.Ordinal);
        Assert.Single(result.StandardError.TrimEnd('\n').Split('\n'));
    }
}
