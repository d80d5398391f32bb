using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using RwAutoscaler.TestKit;

namespace RwAutoscaler.Autoscaler.Tests.Fixtures;

/// <summary>One scrape target: a path on an exporter and the labels Prometheus attaches (what service discovery would).</summary>
internal sealed record ScrapeTarget(Uri Exporter, string Path, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// A real Prometheus (the Debian package) on 127.0.0.1 with a temporary config and data directory. Missing binary:
/// under CI=true the test fails; elsewhere <see cref="StartAsync"/> returns null and the test says it did not run.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _binary;
    private readonly IReadOnlyList<ScrapeTarget> _targets;
    private readonly TimeSpan _scrapeInterval;
    private readonly TimeSpan _retention;
    private Func<string, Task>? _prepareData;
    private Process? _process;
    private readonly StringBuilder _log = new();

    private PrometheusServer(string binary, IReadOnlyList<ScrapeTarget> targets, TimeSpan scrapeInterval, TimeSpan retention, Func<string, Task>? prepareData)
    {
        _binary = binary;
        _targets = targets;
        _scrapeInterval = scrapeInterval;
        _retention = retention;
        _prepareData = prepareData;
        _directory = Directory.CreateTempSubdirectory("rwautoscaler-prom-").FullName;
        Port = PortFinder.Free();
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public bool IsRunning => _process is { HasExited: false };

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <param name="targets">What to scrape.</param>
    /// <param name="scrapeInterval">How often (default 1 s).</param>
    /// <param name="prepareData">Fills the data directory before the first start (e.g. with blocks made by promtool).</param>
    /// <param name="retention">How long Prometheus keeps data (default 2 h; old backfilled blocks need more).</param>
    /// <summary>
    /// A Prometheus without targets holding the history in an OpenMetrics <paramref name="file"/>, loaded by
    /// <c>promtool tsdb create-blocks-from openmetrics</c> before it starts, with a retention that keeps any past.
    /// </summary>
    public static Task<PrometheusServer?> WithHistoryAsync(string promtool, string file) =>
        StartAsync(
            [],
            prepareData: async data =>
            {
                var loaded = await ExternalTool.RunAsync(promtool, ["tsdb", "create-blocks-from", "openmetrics", file, data], timeout: TimeSpan.FromMinutes(2));
                Xunit.Assert.True(loaded.ExitCode == 0, loaded.StandardOutput + loaded.StandardError);
            },
            retention: TimeSpan.FromDays(3650));

    public static async Task<PrometheusServer?> StartAsync(
        IReadOnlyList<ScrapeTarget> targets, TimeSpan? scrapeInterval = null, Func<string, Task>? prepareData = null, TimeSpan? retention = null)
    {
        var binary = ExternalTool.Require("prometheus", "install the Debian package 'prometheus' (apt-get install -y prometheus)");
        if (binary is null)
        {
            return null;
        }

        var server = new PrometheusServer(binary, targets, scrapeInterval ?? TimeSpan.FromSeconds(1), retention ?? TimeSpan.FromHours(2), prepareData);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>(Re)starts the process on the same port and data directory (after <see cref="StopAsync"/>).</summary>
    public async Task StartAgainAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "prometheus.yml"), Config());
        if (_prepareData is { } prepare)
        {
            _prepareData = null;
            await prepare(Path.Combine(_directory, "data"));
        }

        var info = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            $"--config.file={Path.Combine(_directory, "prometheus.yml")}",
            $"--storage.tsdb.path={Path.Combine(_directory, "data")}",
            $"--web.listen-address=127.0.0.1:{Port}",
            $"--storage.tsdb.retention.time={(int)_retention.TotalHours}h",
            "--log.level=warn",
        })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start prometheus");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}: {Log}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Address, "-/ready"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // not answering yet
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"prometheus did not become ready in 30 s: {Log}");
    }

    /// <summary>Kills the process: the daemon now finds nobody listening.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>
    /// Waits until every target's last scrape succeeded, then <paramref name="scrapes"/> - 1 scrape intervals more; fails
    /// with Prometheus's own reason when a target keeps failing.
    /// </summary>
    public async Task WaitForScrapesAsync(int scrapes = 2)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string last;
        do
        {
            last = await http.GetStringAsync(new Uri(Address, "api/v1/targets?state=active"));
            var targets = System.Text.Json.Nodes.JsonNode.Parse(last)!["data"]!["activeTargets"]!.AsArray();
            if (targets.Count == _targets.Count && targets.All(t => (string?)t!["health"] == "up"))
            {
                await Task.Delay(_scrapeInterval * (scrapes - 1));
                return;
            }

            await Task.Delay(_scrapeInterval / 4);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"prometheus's targets are not all up after 30 s: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open; the temp directory is cleaned by the OS
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private string Config()
    {
        var seconds = $"{(int)_scrapeInterval.TotalMilliseconds}ms";
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"global:\n  scrape_interval: {seconds}\n  scrape_timeout: {seconds}\n  evaluation_interval: {seconds}");
        text.AppendLine("scrape_configs:\n- job_name: risingwave\n  static_configs:");
        foreach (var target in _targets)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  - targets: [\"{target.Exporter.Authority}\"]");
            text.AppendLine("    labels:");
            text.AppendLine(CultureInfo.InvariantCulture, $"      __metrics_path__: \"{target.Path}\"");
            foreach (var (name, value) in target.Labels)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"      {name}: \"{value}\"");
            }
        }

        return text.ToString();
    }
}

internal static class PortFinder
{
    public static int Free()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
