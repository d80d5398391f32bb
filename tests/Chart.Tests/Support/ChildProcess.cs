using System.Diagnostics;
using System.Text;

namespace RwAutoscaler.Chart.Tests.Support;

/// <summary>
/// One of our executables (autoscaler, rw-operator) started from its build output with <c>dotnet</c>, output captured,
/// stopped with SIGTERM as Kubernetes stops a pod (and killed if it does not exit in time).
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

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

    public bool HasExited => _process.HasExited;

    /// <summary>The executable's path: src/&lt;project&gt;/bin/&lt;configuration&gt;/net10.0/&lt;assembly&gt;.dll.</summary>
    public static string Assembly(string project, string assembly)
    {
        var path = Repository.PathOf($"src/{project}/bin/{Repository.Configuration}/net10.0/{assembly}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built (Chart.Tests references {project} so that it is)");
    }

    public static ChildProcess Start(string assembly, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet " + assembly));
    }

    /// <summary>SIGTERM, then waits for the exit; the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            throw new TimeoutException($"did not stop within {timeout} of SIGTERM; output:\n{Output}");
        }

        return _process.ExitCode;
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
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
