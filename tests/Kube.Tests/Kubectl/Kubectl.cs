using System.Diagnostics;
using System.Threading.Channels;
using RwAutoscaler.TestKit;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Kube.Tests.Kubectl;

/// <summary>Runs the real kubectl against a fake server through a generated kubeconfig.</summary>
internal sealed class Kubectl : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("kubectl-").FullName;

    private Kubectl(string path, FakeApiServer server)
    {
        Path = path;
        Kubeconfig = server.WriteKubeconfig(System.IO.Path.Combine(directory, "kubeconfig"));
    }

    public string Path { get; }

    public string Kubeconfig { get; }

    /// <summary>Null (with a message) when kubectl is missing outside CI; under CI=true a missing kubectl fails the test.</summary>
    public static Kubectl? Find(FakeApiServer server)
    {
        var path = ExternalTool.Require("kubectl", "install kubectl v1.32 (e.g. the Debian/Google Cloud SDK package) so that it is on PATH");
        return path is null ? null : new Kubectl(path, server);
    }

    public string WriteFile(string name, string content)
    {
        var file = System.IO.Path.Combine(directory, name);
        File.WriteAllText(file, content);
        return file;
    }

    public Task<ToolResult> RunAsync(params string[] args) =>
        ExternalTool.RunAsync(Path, Arguments(args), timeout: TimeSpan.FromSeconds(60));

    /// <summary>Starts a long-running kubectl (get -w) whose stdout lines arrive on a channel.</summary>
    public Streaming Start(params string[] args)
    {
        var info = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in Arguments(args))
        {
            info.ArgumentList.Add(a);
        }
        return new Streaming(Process.Start(info)!);
    }

    private string[] Arguments(string[] args) => [.. args, "--kubeconfig", Kubeconfig, "--cache-dir", System.IO.Path.Combine(directory, "cache")];

    public void Dispose() => Directory.Delete(directory, recursive: true);

    internal sealed class Streaming : IDisposable
    {
        private readonly Process process;
        private readonly Channel<string> lines = Channel.CreateUnbounded<string>();

        public Streaming(Process process)
        {
            this.process = process;
            _ = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is { } line)
                {
                    await lines.Writer.WriteAsync(line);
                }
                lines.Writer.TryComplete();
            });
        }

        public async Task<string> NextLineAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                return await lines.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("kubectl printed nothing more; stderr: " + (process.HasExited ? process.StandardError.ReadToEnd() : "(still running)"));
            }
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }
            process.Dispose();
        }
    }
}
