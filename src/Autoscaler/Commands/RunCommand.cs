using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Autoscaler.Daemon;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Hosting.Logging;
using RwAutoscaler.Kube.Config;
using RwAutoscaler.Policies.Configuration;
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
        var prometheusUrl = new Option<string?>("--prometheus-url") { Description = "Default Prometheus HTTP API, e.g. http://prometheus-operated.monitoring:9090" };
        var tokenFile = new Option<FileInfo?>("--prometheus-bearer-token-file") { Description = "Bearer token for Prometheus (re-read when it changes)" };
        var username = new Option<string?>("--prometheus-username") { Description = "Basic auth user for Prometheus" };
        var passwordFile = new Option<FileInfo?>("--prometheus-password-file") { Description = "Basic auth password file for Prometheus" };
        var caFile = new Option<FileInfo?>("--prometheus-ca-file") { Description = "PEM certificate authorities to trust for Prometheus" };
        var certFile = new Option<FileInfo?>("--prometheus-cert-file") { Description = "Client certificate (PEM) for mutual TLS" };
        var keyFile = new Option<FileInfo?>("--prometheus-key-file") { Description = "Client key (PEM) for mutual TLS" };
        var insecure = new Option<bool>("--prometheus-insecure-skip-verify") { Description = "Do not verify Prometheus' certificate (tests only)" };
        var timeout = new Option<string>("--prometheus-timeout") { Description = "Per-query timeout", DefaultValueFactory = _ => "10s" };
        var headers = new Option<string[]>("--prometheus-header") { Description = "Extra header 'Name: value' (repeatable), e.g. 'X-Scope-OrgID: tenant-1'", AllowMultipleArgumentsPerToken = false };
        var partial = new Option<string>("--prometheus-partial-response") { Description = "allow: use partial answers (warnings); deny: treat them as failed", DefaultValueFactory = _ => "allow" };
        partial.AcceptOnlyFromAmong("allow", "deny");
        var labelNamespace = new Option<string>("--label-namespace") { Description = "Label holding the namespace", DefaultValueFactory = _ => "namespace" };
        var labelCluster = new Option<string>("--label-cluster") { Description = "Label holding the RisingWave name", DefaultValueFactory = _ => "risingwave_name" };
        var labelComponent = new Option<string>("--label-component") { Description = "Label holding the component", DefaultValueFactory = _ => "risingwave_component" };
        var labelGroup = new Option<string?>("--label-group") { Description = "Label holding the node group, if your relabelling adds one" };
        var rateWindow = new Option<string>("--rate-window") { Description = "Window of rate() in the signal queries", DefaultValueFactory = _ => "2m" };
        var selector = new Option<string>("--selector") { Description = "Extra matchers for every series, e.g. 'cluster=\"eu-1\"'", DefaultValueFactory = _ => "" };
        var listen = new Option<string>("--listen") { Description = "Address of /healthz, /readyz, /metrics and the webhook", DefaultValueFactory = _ => "0.0.0.0:8080" };
        var webhookToken = new Option<FileInfo?>("--webhook-token-file") { Description = "File holding the Alertmanager webhook's bearer token (without one the webhook refuses every request)" };
        var leaderElect = new Option<bool>("--leader-elect") { Description = "Take a Lease so that one replica acts", DefaultValueFactory = _ => true };
        var leaseNamespace = new Option<string?>("--lease-namespace") { Description = "Namespace of the Lease (default: the pod's, else default)" };
        var leaseName = new Option<string>("--lease-name") { Description = "Name of the Lease", DefaultValueFactory = _ => "rwautoscaler" };
        var maxAge = new Option<string>("--metrics-max-age") { Description = "Reuse a metrics fetch younger than this (alerts always fetch)", DefaultValueFactory = _ => "5s" };
        var retention = new Option<string>("--metrics-retention") { Description = "Signal history kept (and backfilled) per cluster; at least the longest policy window", DefaultValueFactory = _ => "30m" };
        var workers = new Option<int>("--workers") { Description = "Clusters evaluated at once", DefaultValueFactory = _ => 4 };
        var logLevel = new Option<string>("--log-level") { Description = "debug, information, warning or error", DefaultValueFactory = _ => "information" };
        logLevel.AcceptOnlyFromAmong("debug", "information", "warning", "error");

        var command = new Command("run", "Run the autoscaler daemon: watch RisingWaveAutoscalers, read signals from Prometheus, scale RisingWaves")
        {
            kubeconfig, context, ns, prometheusUrl, tokenFile, username, passwordFile, caFile, certFile, keyFile, insecure, timeout, headers, partial,
            labelNamespace, labelCluster, labelComponent, labelGroup, rateWindow, selector, listen, webhookToken, leaderElect, leaseNamespace, leaseName,
            maxAge, retention, workers, logLevel,
        };
        command.SetAction((result, cancellationToken) => cli.RunAsync(async () =>
        {
            var kube = LoadKube(result.GetValue(kubeconfig), result.GetValue(context));
            PrometheusOptions? prometheus = null;
            if (result.GetValue(prometheusUrl) is { } url)
            {
                prometheus = new PrometheusOptions
                {
                    Address = Url(url, "--prometheus-url"),
                    BearerTokenFile = Existing(result.GetValue(tokenFile), "--prometheus-bearer-token-file"),
                    Username = result.GetValue(username),
                    PasswordFile = Existing(result.GetValue(passwordFile), "--prometheus-password-file"),
                    CaFile = Existing(result.GetValue(caFile), "--prometheus-ca-file"),
                    CertFile = Existing(result.GetValue(certFile), "--prometheus-cert-file"),
                    KeyFile = Existing(result.GetValue(keyFile), "--prometheus-key-file"),
                    InsecureSkipVerify = result.GetValue(insecure),
                    Timeout = Duration(result.GetValue(timeout)!, "--prometheus-timeout"),
                    Headers = Headers(result.GetValue(headers) ?? []),
                    PartialResponse = result.GetValue(partial) == "deny" ? PartialResponse.Deny : PartialResponse.Allow,
                };
            }

            var catalogue = new CatalogueOptions
            {
                NamespaceLabel = result.GetValue(labelNamespace)!,
                ClusterLabel = result.GetValue(labelCluster)!,
                ComponentLabel = result.GetValue(labelComponent)!,
                GroupLabel = result.GetValue(labelGroup),
                RateWindow = Duration(result.GetValue(rateWindow)!, "--rate-window"),
                Selector = result.GetValue(selector)!,
            };
            if (catalogue.Validate() is { Count: > 0 } problems)
            {
                throw new CliError(string.Join("; ", problems));
            }

            var options = new DaemonOptions
            {
                Kube = kube,
                Namespace = result.GetValue(ns),
                Prometheus = prometheus,
                Catalogue = catalogue,
                Listen = Endpoint(result.GetValue(listen)!),
                WebhookToken = result.GetValue(webhookToken) is { } file
                    ? Encoding.UTF8.GetBytes(InputFiles.ReadText(file, "--webhook-token-file").Trim())
                    : [],
                LeaderElection = result.GetValue(leaderElect),
                LeaseNamespace = result.GetValue(leaseNamespace) ?? PodNamespace() ?? "default",
                LeaseName = result.GetValue(leaseName)!,
                Identity = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? $"{pod}_{Guid.NewGuid():N}" : $"{Environment.MachineName}_{Guid.NewGuid():N}",
                MetricsMaxAge = Duration(result.GetValue(maxAge)!, "--metrics-max-age"),
                MetricsRetention = Duration(result.GetValue(retention)!, "--metrics-retention"),
                Workers = result.GetValue(workers) is var w and >= 1 and <= 64 ? w : throw new CliError("--workers: expected 1 to 64"),
            };

            var level = result.GetValue(logLevel) switch
            {
                "debug" => LogEventLevel.Debug,
                "warning" => LogEventLevel.Warning,
                "error" => LogEventLevel.Error,
                _ => LogEventLevel.Information,
            };
            using var logging = LoggerFactory.Create(b => b.AddJsonLogging(JsonLogging.CreateLogger(level)).SetMinimumLevel(LogLevel.Debug));
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

    private static KubeClientConfig LoadKube(FileInfo? kubeconfig, string? context)
    {
        try
        {
            return kubeconfig is not null ? KubeConfigLoader.Load(kubeconfig.FullName, context) : KubeConfigLoader.LoadDefault(context);
        }
        catch (KubeConfigException e)
        {
            throw new CliError($"--kubeconfig: {e.Message}", e);
        }
    }

    private static string? PodNamespace()
    {
        const string path = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    private static Uri Url(string text, string option) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new CliError($"{option}: expected an http or https URL such as http://prometheus:9090, got '{text}'");

    private static string? Existing(FileInfo? file, string option) =>
        file is null ? null : file.Exists ? file.FullName : throw new CliError($"{option}: file not found: {file.FullName}");

    private static TimeSpan Duration(string text, string option) =>
        Durations.TryParse(text, out var value) && value > TimeSpan.Zero
            ? value
            : throw new CliError($"{option}: expected a duration such as 30s, 2m or 1h, got '{text}'");

    private static Dictionary<string, string> Headers(string[] values)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new CliError($"--prometheus-header: expected 'Name: value', got '{value}'");
            }

            headers[value[..colon].Trim()] = value[(colon + 1)..].Trim();
        }

        return headers;
    }

    private static IPEndPoint Endpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        var host = colon > 0 ? text[..colon] : "";
        var portText = colon >= 0 ? text[(colon + 1)..] : text;
        if (!int.TryParse(portText, out var port) || port is < 0 or > 65535)
        {
            throw new CliError($"--listen: expected host:port such as 0.0.0.0:8080 or :8080, got '{text}'");
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
