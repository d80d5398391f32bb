using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Benchmarks.Simulator;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Benchmarks.Daemon;

/// <summary>
/// Issue 15's sizing of whole daemons: <c>replicas</c> real <c>autoscaler run</c> processes (sharded when more than
/// one) against the fake API server and a <see cref="SignalServer"/>, with <c>clusters</c> RisingWaves polled every
/// <c>poll</c>. Each replica's figures are read from its own /metrics (process CPU, heap, PromQL queries, evaluations)
/// over a window of ticks after a warm-up, then alerts are posted to replicas in turn, as a Service spreads them, and each is timed
/// until the fake API server has answered the replica patch of its cluster.
/// <code>dotnet run -c Release --project tests/Benchmarks -- fleet --clusters 10000 --replicas 3</code>
/// </summary>
internal static partial class FleetBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clusters = Arg(args, "--clusters", 10_000);
        var replicas = Arg(args, "--replicas", 3);
        var ticks = Arg(args, "--ticks", 4);
        var warmup = Arg(args, "--warmup-ticks", 3);
        var poll = TimeSpan.FromSeconds(Arg(args, "--poll-seconds", 30));
        var alerts = Math.Min(clusters, Arg(args, "--alerts", 200));
        var daemon = Path.Combine(Repository.Root, "src/Autoscaler/bin/Release/net10.0/autoscaler.dll");
        if (!File.Exists(daemon))
        {
            Console.Error.WriteLine($"{daemon} is not built: dotnet build -c Release src/Autoscaler");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        void Say(string what) => Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F0} s] {what}");
        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { HistoryLimit = 200_000 });
        await DaemonRig.SeedAsync(server, clusters, $"{poll.TotalSeconds}s");
        await using var signals = await SignalServer.StartAsync(clusters);
        using var client = server.CreateClient(new KubeClientOptions { UserAgent = "fleet-bench" });
        Say($"{clusters} RisingWaves and autoscalers created");

        var work = Directory.CreateTempSubdirectory("fleet-");
        var kubeconfig = server.WriteKubeconfig(Path.Combine(work.FullName, "kubeconfig"), DaemonRig.Namespace);
        var token = Path.Combine(work.FullName, "token");
        await File.WriteAllTextAsync(token, "bench");
        var processes = new List<(Process Process, StringBuilder Output)>();
        try
        {
            for (var r = 0; r < replicas; r++)
            {
                string[] flags =
                [
                    daemon, "run", "--kubeconfig", kubeconfig, "--listen", "127.0.0.1:0", "--prometheus-url", signals.Address.ToString(),
                    "--webhook-token-file", token, "--metrics-max-age", "1s", "--log-level", "information",
                    .. replicas > 1 ? new[] { "--shards", "--lease-namespace", DaemonRig.Namespace } : ["--leader-elect=false"],
                ];
                processes.Add(Start(flags, $"replica-{r}"));
            }

            var addresses = new List<Uri>();
            foreach (var (process, output) in processes)
            {
                addresses.Add(await Eventually(
                    () => Listening().Match(Text(output)) is { Success: true } m ? new Uri(m.Groups[1].Value)
                        : process.HasExited ? throw new InvalidOperationException($"autoscaler run exited with {process.ExitCode}:\n{Text(output)}") : null,
                    "listening", TimeSpan.FromMinutes(2)));
            }

            var autoscalers = client.Resource(RisingWaveAutoscaler.Resource);
            await Eventually(async () => (await autoscalers.ListAllAsync(DaemonRig.Namespace)).Items.Count(a => a["status"]?["observedGeneration"] is not null) == clusters ? "" : null,
                "every autoscaler evaluated", TimeSpan.FromMinutes(10));
            Say($"every autoscaler evaluated by {replicas} replica(s)");
            // Past the first ticks' backfill, and past the tiered JIT's recompilation of what a tick runs, which takes the
            // first minutes of a process (perf shows it as most of the CPU of a replica with few clusters until then).
            await Task.Delay(poll * warmup);
            using var http = new HttpClient();
            var before = await Task.WhenAll(addresses.Select(a => ScrapeAsync(http, a)));
            var window = Stopwatch.StartNew();
            await Task.Delay(poll * ticks);
            var after = await Task.WhenAll(addresses.Select(a => ScrapeAsync(http, a)));
            var elapsedTicks = window.Elapsed / poll;
            Say($"{elapsedTicks:F1} ticks measured");

            var latencies = await AlertsAsync(server, signals, client, http, addresses, alerts, clusters);
            latencies.Sort();
            var again = await Task.WhenAll(addresses.Select(a => ScrapeAsync(http, a)));

            Console.WriteLine();
            Console.WriteLine($"{clusters} clusters, {replicas} replica(s), poll {poll.TotalSeconds:F0} s, {elapsedTicks:F1} ticks; {alerts} alerts posted to the replicas in turn");
            Console.WriteLine("| replica | autoscalers evaluated per tick | PromQL queries per tick | process CPU per tick | heap (dotnet_total_memory_bytes) | working set |");
            Console.WriteLine("|---|---|---|---|---|---|");
            for (var r = 0; r < replicas; r++)
            {
                double Delta(string name) => after[r].GetValueOrDefault(name) - before[r].GetValueOrDefault(name);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {r} | {Delta("rwautoscaler_evaluations_total") / elapsedTicks:F0} | {Delta("rwautoscaler_prometheus_query_duration_seconds_count") / elapsedTicks:F1} | {Delta("process_cpu_seconds_total") / elapsedTicks * 1000:F0} ms | {again[r]["dotnet_total_memory_bytes"] / (1 << 20):F0} MiB | {again[r]["process_working_set_bytes"] / (1 << 20):F0} MiB |"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"alert to patch (posted until the API server answered the patch), {latencies.Count} alerts: p50 {latencies[latencies.Count / 2]:F1} ms, p99 {latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1]:F1} ms, max {latencies[^1]:F1} ms"));
            return 0;
        }
        finally
        {
            foreach (var (process, _) in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.Dispose();
            }

            work.Delete(recursive: true);
        }
    }

    private static async Task<List<double>> AlertsAsync(
        FakeApiServer server, SignalServer signals, KubernetesClient client, HttpClient http, List<Uri> replicas, int alerts, int clusters)
    {
        var risingWaves = client.Resource(RisingWaveState.Resource);
        var latencies = new List<double>(alerts);
        for (var k = 0; k < alerts; k++)
        {
            var i = (int)((long)k * clusters / alerts); // each cluster at most once: no rate limit or cooldown holds it
            var path = $"/risingwaves/{DaemonRig.Cluster(i).Name}";
            var patched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnAnswered(RecordedRequest r)
            {
                if (r.Method == "PATCH" && r.StatusCode < 300 && r.Path.EndsWith(path, StringComparison.Ordinal) && !r.UserAgent.StartsWith("fleet-bench", StringComparison.Ordinal))
                {
                    patched.TrySetResult();
                }
            }

            signals.SetCpu(i, 1.5);
            server.Answered += OnAnswered;
            try
            {
                var sent = Stopwatch.StartNew();
                using var request = DaemonRig.Alert(replicas[k % replicas.Count], i);
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                await patched.Task.WaitAsync(TimeSpan.FromSeconds(30));
                latencies.Add(sent.Elapsed.TotalMilliseconds);
            }
            finally
            {
                server.Answered -= OnAnswered;
            }

            await DaemonRig.ResetAsync(risingWaves, signals, i);
        }

        return latencies;
    }

    // Sums every sample of each metric name (all label sets), from the text exposition format.
    private static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient http, Uri replica)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await http.GetStringAsync(new Uri(replica, "metrics"))).Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var end = line.IndexOfAny([' ', '{']);
            var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            sums[line[..end]] = sums.GetValueOrDefault(line[..end]) + value;
        }

        return sums;
    }

    private static (Process, StringBuilder) Start(string[] args, string pod)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        args.ToList().ForEach(info.ArgumentList.Add);
        info.Environment["POD_NAME"] = pod;
        var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static Task<T> Eventually<T>(Func<T?> probe, string what, TimeSpan timeout) where T : class => Eventually(() => Task.FromResult(probe()), what, timeout);

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe, string what, TimeSpan timeout) where T : class
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"not within {timeout}: {what}");
            }

            await Task.Delay(1000);
        }
    }

    private static int Arg(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;

    [GeneratedRegex("listening on (http://127.0.0.1:[0-9]+/?)")]
    private static partial Regex Listening();
}
