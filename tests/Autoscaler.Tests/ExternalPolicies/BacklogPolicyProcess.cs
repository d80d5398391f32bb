using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using RwAutoscaler.Autoscaler.Tests.Commands;

namespace RwAutoscaler.Autoscaler.Tests.ExternalPolicies;

/// <summary>examples/external-policy (backlog-policy) started as its own process on a loopback port, and stopped.</summary>
internal sealed partial class BacklogPolicyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BacklogPolicyProcess(Process process) => _process = process;

    public Uri Address { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<BacklogPolicyProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<configuration>/net10.0
        var dll = CliRunner.Repo($"examples/external-policy/bin/{configuration}/net10.0/backlog-policy.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built (Autoscaler.Tests references the example so that it is)");
        }

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--listen", "127.0.0.1:0" })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var policy = new BacklogPolicyProcess(Process.Start(info)!);
        policy._process.OutputDataReceived += (_, e) => policy.Append(e.Data);
        policy._process.ErrorDataReceived += (_, e) => policy.Append(e.Data);
        policy._process.BeginOutputReadLine();
        policy._process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Listening().Match(policy.Output) is not { Success: true } match)
        {
            if (policy._process.HasExited || DateTime.UtcNow > deadline)
            {
                await policy.DisposeAsync();
                throw new InvalidOperationException($"backlog-policy did not start:\n{policy.Output}");
            }

            await Task.Delay(50);
        }

        policy.Address = new Uri(Listening().Match(policy.Output).Groups[1].Value);
        return policy;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    [GeneratedRegex("listening on (http://127.0.0.1:[0-9]+)")]
    private static partial Regex Listening();
}
