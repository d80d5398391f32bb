using System.CommandLine;
using Microsoft.Extensions.Logging;
using k8s;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Operator.Hosting;
using Serilog.Events;

namespace RwAutoscaler.Operator.Cli;

/// <summary><c>rw-operator run</c> (the default): reconcile RisingWave resources until stopped.</summary>
internal static class RunCommand
{
    public static void Configure(RootCommand root)
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "kubeconfig file; default: KUBECONFIG, ~/.kube/config, else the in-cluster service account" };
        var context = new Option<string?>("--context") { Description = "kubeconfig context; default: its current-context" };
        var listen = new Option<string>("--listen") { Description = "Address for /healthz, /readyz and /metrics: 0.0.0.0:8080, as autoscaler run takes it, or http://0.0.0.0:8080", DefaultValueFactory = _ => "0.0.0.0:8080" };
        var leaderElect = new Option<bool>("--leader-elect") { Description = "Run only while holding the leader lease", DefaultValueFactory = _ => true };
        var leaseNamespace = new Option<string?>("--lease-namespace") { Description = "Namespace of the lease (default: POD_NAMESPACE, else the kubeconfig's namespace)" };
        var leaseName = new Option<string>("--lease-name") { Description = "Name of the lease", DefaultValueFactory = _ => "rw-operator" };
        var workers = new Option<int>("--workers") { Description = "RisingWaves reconciled at once", DefaultValueFactory = _ => 4 };
        var resync = new Option<int>("--resync-seconds") { Description = "Reconcile every RisingWave at least this often", DefaultValueFactory = _ => 600 };
        var logLevel = new Option<string>("--log-level") { Description = "debug, information, warning or error", DefaultValueFactory = _ => "information" };
        logLevel.AcceptOnlyFromAmong("debug", "information", "warning", "error");
        listen.Validators.Add(r =>
        {
            if (ListenUrl(r.GetValue(listen)!) is null)
            {
                r.AddError($"--listen: expected host:port such as 0.0.0.0:8080 (or http://host:port), got '{r.GetValue(listen)}'");
            }
        });
        workers.Validators.Add(r =>
        {
            if (r.GetValue(workers) < 1)
            {
                r.AddError("--workers: expected an integer of at least 1");
            }
        });
        resync.Validators.Add(r =>
        {
            if (r.GetValue(resync) < 1)
            {
                r.AddError("--resync-seconds: expected an integer of at least 1");
            }
        });

        foreach (var option in new Option[] { kubeconfig, context, listen, leaderElect, leaseNamespace, leaseName, workers, resync, logLevel })
        {
            root.Options.Add(option);
        }

        root.SetAction(async (result, cancellationToken) =>
        {
            OperatorSettings settings;
            try
            {
                var kube = KubernetesClient.LoadConfig(result.GetValue(kubeconfig), result.GetValue(context));
                settings = new OperatorSettings
                {
                    Kube = kube,
                    Listen = ListenUrl(result.GetValue(listen)!)!,
                    LeaderElection = result.GetValue(leaderElect),
                    LeaseNamespace = result.GetValue(leaseNamespace) ?? Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? kube.Namespace ?? "default",
                    LeaseName = result.GetValue(leaseName)!,
                    Workers = result.GetValue(workers),
                    ResyncPeriod = TimeSpan.FromSeconds(result.GetValue(resync)),
                    LogLevel = result.GetValue(logLevel) switch
                    {
                        "debug" => LogEventLevel.Debug,
                        "warning" => LogEventLevel.Warning,
                        "error" => LogEventLevel.Error,
                        _ => LogEventLevel.Information,
                    },
                };
            }
            catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return 2;
            }

            await using var app = OperatorHost.Build(settings);
            await app.StartAsync(cancellationToken);
            // The bound address, so that a listen address with port 0 can be found (tests run many processes at once).
            app.Logger.LogInformation("listening on {Addresses:l}", string.Join(", ", app.Urls));
            await app.WaitForShutdownAsync(cancellationToken);
            return Environment.ExitCode;
        });
    }

    /// <summary>The listen address as a URL: host:port (autoscaler run's form) or http://host:port; null when neither.</summary>
    internal static string? ListenUrl(string text)
    {
        var url = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == "http" && uri.AbsolutePath == "/"
            && System.Text.RegularExpressions.Regex.IsMatch(url, @":[0-9]+/?$")
            ? $"http://{uri.Authority}"
            : null;
    }
}
