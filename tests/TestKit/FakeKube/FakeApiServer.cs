using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using RwAutoscaler.Kube.Client;
using k8s;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// An in-process Kubernetes API server on a loopback port (real Kestrel, real chunked watches) that
/// follows the API contract's fidelity checklist: one resourceVersion counter, Status bodies, no-op
/// writes, generation, status and scale subresources, finalizers, selectors, pagination, watch
/// history with 410, bookmarks, discovery and Tables for kubectl, custom resources, switchable
/// controllers (GC, workloads) and fault injection.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private readonly GarbageCollector gc;
    private readonly WorkloadController workloads;

    private FakeApiServer(FakeApiServerOptions options)
    {
        Options = options;
        Time = options.TimeProvider;
        Store = new ObjectStore(options.HistoryLimit);
        Operations = new ResourceOperations(Store, new ResourceRegistry(), Time);
        gc = new GarbageCollector(Operations);
        workloads = new WorkloadController(Operations);
        GarbageCollection = options.GarbageCollection;
        WorkloadControllers = options.WorkloadControllers;
        ExpiredWatchForm = options.ExpiredWatchForm;
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Operations.Create(Operations.Registry.Find("", "v1", "namespaces")!, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (options.ServerCertificate is { } certificate)
            {
                listen.UseHttps(certificate, https =>
                {
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                });
            }
        }));
        app = builder.Build();
        var handler = new ApiHandler(this);
        app.Run(handler.HandleAsync);
    }

    public FakeApiServerOptions Options { get; }

    /// <summary>http://127.0.0.1:port</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public FaultInjector Faults { get; } = new();

    public ExpiredWatchForm ExpiredWatchForm { get; set; }

    public bool GarbageCollection
    {
        get => Operations.GarbageCollector is not null;
        set
        {
            Operations.GarbageCollector = value ? gc : null;
            if (value)
            {
                gc.Collect();
            }
        }
    }

    public bool WorkloadControllers
    {
        get => Operations.Workloads is not null;
        set
        {
            Operations.Workloads = value ? workloads : null;
            if (value)
            {
                workloads.Resync();
            }
        }
    }

    /// <summary>With workload controllers on: whether pods become ready (readyReplicas = replicas) or stay unready (0).</summary>
    public bool PodsReady
    {
        get => workloads.PodsReady;
        set => workloads.PodsReady = value;
    }

    /// <summary>The current global resourceVersion.</summary>
    public long ResourceVersion => Store.Revision;

    /// <summary>Number of watch streams open right now.</summary>
    public int OpenWatches => Store.WatcherCount;

    public IReadOnlyList<RecordedRequest> Requests => requests.ToArray();

    internal TimeProvider Time { get; }

    internal ObjectStore Store { get; }

    internal ResourceOperations Operations { get; }

    internal CancellationToken Stopping => stopping.Token;

    public static async Task<FakeApiServer> StartAsync(FakeApiServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var server = new FakeApiServer(options ?? new FakeApiServerOptions());
        await server.app.StartAsync(cancellationToken);
        var address = server.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        server.BaseAddress = new UriBuilder(server.BaseAddress) { Scheme = server.Options.ServerCertificate is null ? "http" : "https" }.Uri;
        return server;
    }

    /// <summary>Serves a custom resource by creating its CustomResourceDefinition object (visible to <c>kubectl get crd</c>).</summary>
    public void RegisterCustomResource(CustomResourceDefinition crd)
    {
        var crds = Operations.Registry.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!;
        Operations.Create(crds, "", CustomResourceDefinitions.ToObject(crd));
    }

    /// <summary>Creates a namespace (the fake, like a real server, refuses objects in namespaces that do not exist).</summary>
    public void CreateNamespace(string name) =>
        Operations.Create(Operations.Registry.Find("", "v1", "namespaces")!, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });

    /// <summary>Forgets the watch history: any watch from an earlier resourceVersion now gets 410 Expired.</summary>
    public void CompactHistory() => Store.Compact();

    /// <summary>Sends a BOOKMARK now on every watch that allows bookmarks.</summary>
    public void SendBookmarks() => Store.SendBookmarks();

    /// <summary>Ends every open watch normally, as a server-side timeout does.</summary>
    public void CloseWatches() => Store.CloseAllWatches();

    /// <summary>The stored object as a GET would return it, or null.</summary>
    public JsonObject? GetObject(ResourceType type, string? ns, string name)
    {
        ArgumentNullException.ThrowIfNull(type);
        var def = Operations.Registry.Find(type.Group, type.Version, type.Plural) ?? throw new ArgumentException($"{type} is not served", nameof(type));
        return Store.Get(def, def.Namespaced ? ns ?? "default" : "", name)?.ToJsonObject();
    }

    /// <summary>The stored objects of a resource (all namespaces when <paramref name="ns"/> is null).</summary>
    public IReadOnlyList<JsonObject> ListObjects(ResourceType type, string? ns = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        var def = Operations.Registry.Find(type.Group, type.Version, type.Plural) ?? throw new ArgumentException($"{type} is not served", nameof(type));
        return Store.List(def, ns, _ => true).Items.Select(o => o.ToJsonObject()).ToList();
    }

    /// <summary>Fields of built-in kinds this server knows beyond the official client's models ("Kind.dotted.path"), as a newer server would.</summary>
    public ISet<string> ServerOnlyFields => Operations.ServerOnlyFields;

    /// <summary>How the official client reaches this server (plain HTTP; a TLS server is reached through <see cref="WriteKubeconfig"/>).</summary>
    public KubernetesClientConfiguration ClientConfig(string ns = "default") => new() { Host = BaseAddress.ToString(), Namespace = ns };

    public KubernetesClient CreateClient(KubeClientOptions? options = null, string ns = "default") => new(ClientConfig(ns), options);

    /// <summary>Writes a kubeconfig (context "fake") that points kubectl or our loader at this server; returns its path.</summary>
    public string WriteKubeconfig(string path, string ns = "default")
    {
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"""
            apiVersion: v1
            kind: Config
            current-context: fake
            clusters:
            - name: fake
              cluster:
                server: {BaseAddress.ToString().TrimEnd('/')}
            users:
            - name: fake
              user:
                token: fake-token
            contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
                namespace: {ns}
            """));
        return path;
    }

    /// <summary>Raised as each request is answered (on the request's thread), for measurements that need the moment.</summary>
    public event Action<RecordedRequest>? Answered;

    internal void Record(RecordedRequest request)
    {
        Answered?.Invoke(request);
        requests.Enqueue(request);
        while (requests.Count > 10_000)
        {
            requests.TryDequeue(out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        Store.CloseAllWatches();
        await app.StopAsync();
        await app.DisposeAsync();
        stopping.Dispose();
    }
}
