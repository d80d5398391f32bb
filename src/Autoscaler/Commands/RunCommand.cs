using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Autoscaler.Daemon;
using RwAutoscaler.Hosting.Logging;
using k8s;
using Serilog.Events;

namespace RwAutoscaler.Autoscaler.Commands;

/// <summary><c>autoscaler run</c>: the daemon (docs/daemon.md).</summary>
internal static class RunCommand
{
    public static Command Create(CliContext cli)
    {
        var kubeconfig = new Option<FileInfo?>("--kubeconfig") { Description = "kubeconfig file (default: KUBECONFIG, ~/.kube/config, then in-cluster)" };
        var context = new Option<string?>("--context") { Description = "kubeconfig context (default: the current one)" };
        var ns = new Option<string?>("--namespace") { Description = "Watch only this namespace (default: all)" };
        var prometheusFlags = new PrometheusFlags("--prometheus-url");
        var listen = new Option<string>("--listen") { Description = "Address of /healthz, /readyz, /metrics and the webhook", DefaultValueFactory = _ => "0.0.0.0:8080" };
        var webhookToken = new Option<FileInfo?>("--webhook-token-file") { Description = "File holding the Alertmanager webhook's bearer token (without one the webhook refuses every request)" };
        var leaseDuration = new Option<string>("--lease-duration") { Description = "How long a leader or shard Lease holds without renewal", DefaultValueFactory = _ => "15s" };
        var renewDeadline = new Option<string>("--renew-deadline") { Description = "How long a holder may fail to renew before it stops acting (below --lease-duration)", DefaultValueFactory = _ => "10s" };
        var retryPeriod = new Option<string>("--retry-period") { Description = "How often a Lease is renewed or tried", DefaultValueFactory = _ => "2s" };
        var shards = new Option<bool>("--shards")
        {
            Description = "Share the autoscalers among the replicas (membership Leases named after --lease-name, rendezvous hashing) instead of one leader",
        };
        var leaderElect = new Option<bool>("--leader-elect") { Description = "Take a Lease so that one replica acts", DefaultValueFactory = _ => true };
        var leaseNamespace = new Option<string?>("--lease-namespace") { Description = "Namespace of the Lease (default: the pod's, else default)" };
        var leaseName = new Option<string>("--lease-name") { Description = "Name of the Lease", DefaultValueFactory = _ => "rwautoscaler" };
        var maxAge = new Option<string>("--metrics-max-age") { Description = "Reuse a metrics fetch younger than this (alerts always fetch)", DefaultValueFactory = _ => "5s" };
        var retention = new Option<string>("--metrics-retention") { Description = "Signal history kept (and backfilled) per cluster; longer for a cluster whose policies read further back", DefaultValueFactory = _ => "30m" };
        var workers = new Option<int>("--workers") { Description = "Clusters evaluated at once", DefaultValueFactory = _ => 4 };
        var allowedUrls = new Option<string[]>("--prometheus-allowed-url")
        {
            Description = "An address a RisingWaveAutoscaler's spec.prometheus may name, and those under its path (repeatable; default: --prometheus-url only)",
            AllowMultipleArgumentsPerToken = false,
        };
        var maxOverride = new Option<int>("--max-override-replicas")
        {
            Description = "Largest replica count an override annotation may pin or bound to; above it the annotation is refused and the component holds",
            DefaultValueFactory = _ => Overrides.OverrideAnnotations.DefaultMaxReplicas,
        };
        var settle = new Option<string?>("--rescale-settle") { Description = "How long a component still holds after a rescale ends (default: the rate window)" };
        var logLevel = new Option<string>("--log-level") { Description = "debug, information, warning or error", DefaultValueFactory = _ => "information" };
        logLevel.AcceptOnlyFromAmong("debug", "information", "warning", "error");

        var command = new Command("run", "Run the autoscaler daemon: watch RisingWaveAutoscalers, read signals from Prometheus, scale RisingWaves")
        {
            kubeconfig, context, ns, listen, webhookToken, leaderElect, leaseNamespace, leaseName, maxAge, retention, workers, maxOverride, allowedUrls, shards, leaseDuration, renewDeadline, retryPeriod, settle, logLevel,
        };
        prometheusFlags.AddTo(command);
        command.SetAction((result, cancellationToken) => cli.RunAsync(async () =>
        {
            var prometheus = prometheusFlags.Prometheus(result);
            var catalogue = prometheusFlags.Catalogue(result);
            var options = new DaemonOptions
            {
                Namespace = result.GetValue(ns),
                Prometheus = prometheus,
                Catalogue = catalogue,
                Listen = Endpoint(result.GetValue(listen)!),
                WebhookToken = result.GetValue(webhookToken) is { } file
                    ? Encoding.UTF8.GetBytes(InputFiles.ReadText(file, "--webhook-token-file").Trim())
                    : [],
                LeaderElection = result.GetValue(leaderElect),
                Shards = result.GetValue(shards),
                LeaseDuration = InputFiles.Duration(result.GetValue(leaseDuration)!, "--lease-duration"),
                RenewDeadline = InputFiles.Duration(result.GetValue(renewDeadline)!, "--renew-deadline"),
                RetryPeriod = InputFiles.Duration(result.GetValue(retryPeriod)!, "--retry-period"),
                LeaseNamespace = result.GetValue(leaseNamespace) ?? PodNamespace() ?? "default",
                LeaseName = result.GetValue(leaseName)!,
                AdvertiseHost = PodIp(),
                Identity = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? $"{pod}_{Guid.NewGuid():N}" : $"{Environment.MachineName}_{Guid.NewGuid():N}",
                MetricsMaxAge = InputFiles.Duration(result.GetValue(maxAge)!, "--metrics-max-age"),
                MetricsRetention = InputFiles.Duration(result.GetValue(retention)!, "--metrics-retention"),
                Workers = result.GetValue(workers) is var w and >= 1 and <= 64 ? w : throw new CliError("--workers: expected 1 to 64"),
                RescaleSettle = result.GetValue(settle) is { } s ? InputFiles.Duration(s, "--rescale-settle") : null,
                AllowedPrometheusUrls = AllowedUrls(result.GetValue(allowedUrls), prometheus?.Address),
                MaxOverrideReplicas = result.GetValue(maxOverride) is var m and >= 1 and <= 100_000 ? m : throw new CliError("--max-override-replicas: expected 1 to 100000"),

                // Last: a bad flag is reported even where no cluster is reachable.
                Kube = LoadKube(result.GetValue(kubeconfig), result.GetValue(context)),
            };

            if (!(options.LeaseDuration > options.RenewDeadline && options.RenewDeadline > options.RetryPeriod * Kube.LeaderElection.LeaderElectionConfig.JitterFactor))
            {
                throw new CliError("--renew-deadline: expected below --lease-duration and above 1.2 x --retry-period (defaults 15s, 10s, 2s)");
            }

            var level = result.GetValue(logLevel) switch
            {
                "debug" => LogEventLevel.Debug,
                "warning" => LogEventLevel.Warning,
                "error" => LogEventLevel.Error,
                _ => LogEventLevel.Information,
            };
            using var logging = JsonLogging.CreateFactory(JsonLogging.CreateLogger(level));
            var log = logging.CreateLogger("rwautoscaler");
            if (prometheus is null)
            {
                log.LogWarning("no --prometheus-url: only autoscalers with spec.prometheus get signals; the others hold");
            }

            if (options.WebhookToken.Length == 0)
            {
                log.LogWarning("no --webhook-token-file: the Alertmanager webhook refuses every request");
            }

            await using var host = await DaemonHost.StartAsync(options, TimeProvider.System, logging, cancellationToken: cancellationToken);
            log.LogInformation("listening on {Address}; watching {Namespace}", host.Address, options.Namespace ?? "all namespaces");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            try
            {
                await host.Completion.WaitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                log.LogInformation("stopping");
            }

            await host.StopAsync();
            return await host.Completion;
        }));
        return command;
    }

    private static KubernetesClientConfiguration LoadKube(FileInfo? kubeconfig, string? context)
    {
        try
        {
            return Kube.Client.KubernetesClient.LoadConfig(kubeconfig?.FullName, context);
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            throw new CliError($"--kubeconfig: {e.Message}", e);
        }
    }

    private static Uri[] AllowedUrls(string[]? given, Uri? defaultPrometheus)
    {
        if (given is not { Length: > 0 })
        {
            return defaultPrometheus is null ? [] : [defaultPrometheus];
        }

        return [.. given.Select(text => Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new CliError($"--prometheus-allowed-url: expected an http or https URL such as http://prometheus:9090, got '{text}'"))];
    }

    // The chart sets POD_IP from status.podIP: the other shards forward alerts to it.
    private static string? PodIp() =>
        Environment.GetEnvironmentVariable("POD_IP") is { Length: > 0 } ip && IPAddress.TryParse(ip, out _) ? ip : null;

    private static string? PodNamespace()
    {
        const string path = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    private static IPEndPoint Endpoint(string text)
    {
        // rw-operator's --listen is a URL: take that form too, so one value serves both processes.
        var given = text;
        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            text = text["http://".Length..].TrimEnd('/');
        }

        var colon = text.LastIndexOf(':');
        var host = colon > 0 ? text[..colon] : "";
        var portText = colon >= 0 ? text[(colon + 1)..] : text;
        if (!int.TryParse(portText, out var port) || port is < 0 or > 65535)
        {
            throw new CliError($"--listen: expected host:port such as 0.0.0.0:8080, :8080 or http://0.0.0.0:8080, got '{given}'");
        }

        if (host.Length == 0 || host is "*" or "0.0.0.0")
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address)
            ? new IPEndPoint(address, port)
            : throw new CliError($"--listen: '{host}' is not an IP address");
    }
}
