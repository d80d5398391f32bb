using System.CommandLine;
using k8s.Exceptions;
using RwAutoscaler.Kube.Client;

namespace RwAutoscaler.KubectlRwa;

/// <summary>kubectl's flags for where to act: -n/--namespace, -A/--all-namespaces, --context, --kubeconfig.</summary>
internal sealed class TargetOptions
{
    public Option<string?> Namespace { get; } = new("--namespace", "-n") { Description = "The namespace (default: the kubeconfig context's, else default)", Recursive = true };

    public Option<bool> AllNamespaces { get; } = new("--all-namespaces", "-A") { Description = "Every namespace (status only)", Recursive = true };

    public Option<string?> Context { get; } = new("--context") { Description = "The kubeconfig context to use", Recursive = true };

    public Option<string?> Kubeconfig { get; } = new("--kubeconfig") { Description = "The kubeconfig file (default: KUBECONFIG, else ~/.kube/config)", Recursive = true };

    public void AddTo(Command root)
    {
        root.Options.Add(Namespace);
        root.Options.Add(AllNamespaces);
        root.Options.Add(Context);
        root.Options.Add(Kubeconfig);
    }

    /// <summary>The client and the namespace, as kubectl would pick them.</summary>
    public (KubernetesClient Client, string Namespace) Connect(ParseResult result)
    {
        k8s.KubernetesClientConfiguration config;
        try
        {
            config = KubernetesClient.LoadConfig(result.GetValue(Kubeconfig), result.GetValue(Context));
        }
        catch (KubeConfigException e)
        {
            throw new PluginError(e.Message);
        }

        var ns = result.GetValue(Namespace) is { Length: > 0 } given ? given : config.Namespace is { Length: > 0 } current ? current : "default";
        return (new KubernetesClient(config, new KubeClientOptions { UserAgent = "kubectl-rwa" }), ns);
    }
}
