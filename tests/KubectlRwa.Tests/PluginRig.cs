using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.KubectlRwa.Tests;

/// <summary>
/// The real kubectl against the fake API server, with the built kubectl-rwa on a PATH of its own, as a user installs
/// a plugin: kubectl finds it by name. Holds one RisingWave and its RisingWaveAutoscaler in namespace streaming.
/// </summary>
internal sealed class PluginRig : IAsyncDisposable
{
    public const string Namespace = "streaming";
    private static readonly ResourceType Crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false);
    public static readonly ResourceType RisingWaves = new("risingwave.risingwavelabs.com", "v1alpha1", "risingwaves", "RisingWave");
    public static readonly ResourceType Autoscalers = new("rwautoscaler.dev", "v1alpha1", "risingwaveautoscalers", "RisingWaveAutoscaler");
    private readonly DirectoryInfo _work;

    private PluginRig(FakeApiServer server, string kubectl, DirectoryInfo work, string kubeconfig)
    {
        Server = server;
        Kubectl = kubectl;
        _work = work;
        Kubeconfig = kubeconfig;
    }

    public FakeApiServer Server { get; }

    public string Kubectl { get; }

    public string Kubeconfig { get; }

    /// <summary>Null outside CI when kubectl is missing (the message says so); under CI=true a missing kubectl fails.</summary>
    public static async Task<PluginRig?> StartAsync()
    {
        var kubectl = ExternalTool.Require("kubectl", "install kubectl so that it is on PATH");
        if (kubectl is null)
        {
            return null;
        }

        var server = await FakeApiServer.StartAsync();
        server.CreateNamespace(Namespace);
        using var client = server.CreateClient(new KubeClientOptions { UserAgent = "plugin-tests" });
        foreach (var file in Directory.GetFiles(Repo("charts/risingwave-autoscaler/crds"), "*.yaml"))
        {
            await client.Resource(Crds).CreateAsync(Yaml(await File.ReadAllTextAsync(file)));
        }

        await client.Resource(RisingWaves).CreateAsync(Yaml("""
            apiVersion: risingwave.risingwavelabs.com/v1alpha1
            kind: RisingWave
            metadata: {name: rw-prod, namespace: streaming, annotations: {team: payments}}
            spec:
              image: risingwavelabs/risingwave:v2.1.0
              components:
                compute: {nodeGroups: [{name: "", replicas: 4}]}
                compactor: {nodeGroups: [{name: "", replicas: 2}]}
            """));
        var autoscaler = await client.Resource(Autoscalers).CreateAsync(Yaml("""
            apiVersion: rwautoscaler.dev/v1alpha1
            kind: RisingWaveAutoscaler
            metadata: {name: prod, namespace: streaming}
            spec:
              targetRef: {name: rw-prod}
              compute: {minReplicas: 2, maxReplicas: 20, policies: [{type: utilization}]}
              compactor: {minReplicas: 1, maxReplicas: 8, policies: [{type: compaction}]}
            """));

        // What the daemon would have written: a decision, a condition, a shard.
        autoscaler["status"] = JsonNode.Parse("""
            {"compute": "4 -> 6", "lastScaleTime": "2026-12-03T03:00:00Z", "lastReason": "compute 4 -> 6: utilization wants 6 (cpu 0.9 over target 0.6)", "shard": "replica-a",
             "components": [{"component": "compute", "currentReplicas": 4, "runningReplicas": 4, "desiredReplicas": 6, "lastScaleTime": "2026-12-03T03:00:00Z", "lastReason": "compute 4 -> 6: utilization wants 6 (cpu 0.9 over target 0.6)",
                             "trail": ["* utilization: 6 (cpu 0.9 over target 0.6 with 4 replicas)", "guard bounds: 6 -> 6 (within [2, 20])"]},
                            {"component": "compactor", "currentReplicas": 2, "runningReplicas": 2, "desiredReplicas": 2}],
             "conditions": [{"type": "MetricsAvailable", "status": "True", "reason": "SignalsRead", "message": "the signals the policies need are read", "lastTransitionTime": "2026-12-03T02:00:00Z"}],
             "history": [{"time": "2026-12-03T03:00:00Z", "component": "compute", "from": 4, "to": 6, "acted": true, "reason": "compute 4 -> 6: utilization wants 6 (cpu 0.9 over target 0.6)"}]}
            """);
        await client.Resource(Autoscalers).ReplaceStatusAsync(autoscaler);

        var work = Directory.CreateTempSubdirectory("kubectl-rwa-");
        var bin = Directory.CreateDirectory(Path.Combine(work.FullName, "bin"));
        var plugin = Path.Combine(bin.FullName, "kubectl-rwa");
        await File.WriteAllTextAsync(plugin, $"#!/bin/sh\nexec dotnet \"{PluginDll()}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return new PluginRig(server, kubectl, work, server.WriteKubeconfig(Path.Combine(work.FullName, "kubeconfig"), Namespace));
    }

    /// <summary>kubectl with the plugin's folder first on PATH and KUBECONFIG set, as a user's shell has them.</summary>
    public Task<ToolResult> RunAsync(params string[] args) => ExternalTool.RunAsync(Kubectl, args, environment: new Dictionary<string, string>
    {
        ["PATH"] = Path.Combine(_work.FullName, "bin") + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
        ["KUBECONFIG"] = Kubeconfig,
    }, timeout: TimeSpan.FromSeconds(60));

    /// <summary>The RisingWave's annotations, read back with kubectl get -o json.</summary>
    public async Task<Dictionary<string, string>> AnnotationsAsync()
    {
        var result = await RunAsync("get", "risingwave", "rw-prod", "-n", Namespace, "-o", "json");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.StandardError);
        }

        return (JsonNode.Parse(result.StandardOutput)!["metadata"]!["annotations"] as JsonObject ?? [])
            .ToDictionary(a => a.Key, a => a.Value!.ToString(), StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _work.Delete(recursive: true);
    }

    public static string Repo(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Autoscaler.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), relative);
    }

    /// <summary>The configuration the tests were built in (bin/&lt;configuration&gt;/net10.0).</summary>
    public static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    private static string PluginDll()
    {
        var dll = Repo($"src/KubectlRwa/bin/{Configuration}/net10.0/kubectl-rwa.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is not built (the tests reference the project so that it is)");
    }

    private static JsonObject Yaml(string text) => Autoscaler.Resources.YamlText.Parse(text, "test").Single();
}
