using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace RwAutoscaler.Kube.Config;

/// <summary>
/// kubeconfig files (client-go clientcmd): KUBECONFIG (paths joined with ':', first occurrence of a
/// name wins) or ~/.kube/config; a context (the current one, or --context); the cluster's server,
/// CA (data or file), insecure-skip-tls-verify and tls-server-name; the user's token or tokenFile,
/// client certificate and key (data or files) and exec plugin. File paths are relative to the
/// kubeconfig's directory. auth-provider (legacy) is refused with a clear error.
/// </summary>
public static class KubeConfigLoader
{
    /// <summary>
    /// The configuration a process should use: kubeconfig when KUBECONFIG or ~/.kube/config exists,
    /// else in-cluster; the error says what was tried.
    /// </summary>
    public static KubeClientConfig LoadDefault(string? context = null, Func<string, string?>? environment = null, TimeProvider? timeProvider = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariable;
        var paths = DefaultPaths(env);
        if (paths.Count > 0)
        {
            return Load(paths, context, timeProvider);
        }
        if (InClusterConfig.IsInCluster(environment: env))
        {
            return InClusterConfig.Load(environment: env, timeProvider: timeProvider);
        }
        throw new KubeConfigException("no Kubernetes configuration: KUBECONFIG is not set, ~/.kube/config does not exist, and this is not a pod (KUBERNETES_SERVICE_HOST unset)");
    }

    public static KubeClientConfig Load(string path, string? context = null, TimeProvider? timeProvider = null) =>
        Load([path], context, timeProvider);

    public static KubeClientConfig Load(IReadOnlyList<string> paths, string? context = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = paths.Select(p => (Path: Path.GetFullPath(p), Root: Parse(p))).ToList();
        string? current = null;
        var contexts = new Dictionary<string, (YamlMappingNode Node, string Path)>(StringComparer.Ordinal);
        var clusters = new Dictionary<string, (YamlMappingNode Node, string Path)>(StringComparer.Ordinal);
        var users = new Dictionary<string, (YamlMappingNode Node, string Path)>(StringComparer.Ordinal);
        foreach (var (path, root) in files)
        {
            current ??= Str(root, "current-context") is { Length: > 0 } c ? c : null;
            Collect(root, "contexts", "context", path, contexts);
            Collect(root, "clusters", "cluster", path, clusters);
            Collect(root, "users", "user", path, users);
        }
        var where = string.Join(":", files.Select(f => f.Path));
        var name = context ?? current ?? throw new KubeConfigException($"kubeconfig {where}: no current-context is set and no context was given");
        if (!contexts.TryGetValue(name, out var ctx))
        {
            throw new KubeConfigException($"kubeconfig {where}: context \"{name}\" not found (known: {string.Join(", ", contexts.Keys)})");
        }
        var clusterName = Str(ctx.Node, "cluster") ?? throw new KubeConfigException($"kubeconfig {ctx.Path}: context \"{name}\" has no 'cluster'");
        if (!clusters.TryGetValue(clusterName, out var cluster))
        {
            throw new KubeConfigException($"kubeconfig {where}: cluster \"{clusterName}\" (of context \"{name}\") not found");
        }
        var userName = Str(ctx.Node, "user");
        (YamlMappingNode Node, string Path)? user = null;
        if (!string.IsNullOrEmpty(userName))
        {
            user = users.TryGetValue(userName, out var u) ? u : throw new KubeConfigException($"kubeconfig {where}: user \"{userName}\" (of context \"{name}\") not found");
        }

        var serverText = Str(cluster.Node, "server") ?? throw new KubeConfigException($"kubeconfig {cluster.Path}: cluster \"{clusterName}\" needs 'server', e.g. https://10.0.0.1:6443");
        if (!Uri.TryCreate(serverText, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
        {
            throw new KubeConfigException($"kubeconfig {cluster.Path}: cluster \"{clusterName}\" server '{serverText}' is not an http(s) URL");
        }
        var dir = Path.GetDirectoryName(cluster.Path)!;
        var config = new KubeClientConfig
        {
            Server = server,
            Namespace = Str(ctx.Node, "namespace") is { Length: > 0 } ns ? ns : "default",
            InsecureSkipTlsVerify = Str(cluster.Node, "insecure-skip-tls-verify") == "true",
            TlsServerName = Str(cluster.Node, "tls-server-name"),
            CertificateAuthorities = Pem(cluster.Node, "certificate-authority-data", "certificate-authority", dir, $"cluster \"{clusterName}\"") is { } ca
                ? Roots(ca, cluster.Path, clusterName)
                : null,
        };
        return user is { } us ? WithUser(config, us.Node, us.Path, userName!, timeProvider) : config;
    }

    private static KubeClientConfig WithUser(KubeClientConfig config, YamlMappingNode user, string path, string name, TimeProvider? timeProvider)
    {
        var dir = Path.GetDirectoryName(path)!;
        if (Child(user, "auth-provider") is not null)
        {
            throw new KubeConfigException($"kubeconfig {path}: user \"{name}\" uses auth-provider, which is not supported; use an exec plugin or a token");
        }
        ITokenSource? tokens = null;
        if (Str(user, "token") is { Length: > 0 } token)
        {
            tokens = new StaticTokenSource(token);
        }
        else if (Str(user, "tokenFile") is { Length: > 0 } tokenFile)
        {
            tokens = new FileTokenSource(Path.Combine(dir, tokenFile), timeProvider);
        }
        else if (Child(user, "exec") is YamlMappingNode exec)
        {
            var command = Str(exec, "command") ?? throw new KubeConfigException($"kubeconfig {path}: user \"{name}\" exec needs 'command'");
            var execConfig = new ExecConfig
            {
                Command = command.Contains('/', StringComparison.Ordinal) && !Path.IsPathRooted(command) ? Path.Combine(dir, command) : command,
                Args = (Child(exec, "args") as YamlSequenceNode)?.Children.Select(a => ((YamlScalarNode)a).Value ?? "").ToArray() ?? [],
                Env = (Child(exec, "env") as YamlSequenceNode)?.Children.OfType<YamlMappingNode>()
                    .ToDictionary(e => Str(e, "name") ?? "", e => Str(e, "value") ?? "") ?? new Dictionary<string, string>(),
                ApiVersion = Str(exec, "apiVersion") ?? "client.authentication.k8s.io/v1",
                ProvideClusterInfo = Str(exec, "provideClusterInfo") == "true",
                WorkingDirectory = dir,
            };
            tokens = new ExecTokenSource(execConfig, config.Server, timeProvider);
        }

        X509Certificate2? certificate = null;
        var certPem = Pem(user, "client-certificate-data", "client-certificate", dir, $"user \"{name}\"");
        var keyPem = Pem(user, "client-key-data", "client-key", dir, $"user \"{name}\"");
        if (certPem is not null || keyPem is not null)
        {
            if (certPem is null || keyPem is null)
            {
                throw new KubeConfigException($"kubeconfig {path}: user \"{name}\" needs both a client certificate and a client key");
            }
            try
            {
                using var pem = X509Certificate2.CreateFromPem(certPem, keyPem);
                // Re-import so the private key is usable by SslStream on every platform.
                certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                throw new KubeConfigException($"kubeconfig {path}: user \"{name}\" client certificate/key are not a valid PEM pair: {e.Message}", e);
            }
        }
        return config with { Tokens = tokens, ClientCertificate = certificate };
    }

    private static List<string> DefaultPaths(Func<string, string?> env)
    {
        var list = env("KUBECONFIG");
        if (!string.IsNullOrEmpty(list))
        {
            return list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(File.Exists).ToList();
        }
        var home = env("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var file = Path.Combine(home, ".kube", "config");
        return File.Exists(file) ? [file] : [];
    }

    private static YamlMappingNode Parse(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            var stream = new YamlStream();
            stream.Load(reader);
            return stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode
                ?? throw new KubeConfigException($"kubeconfig {path}: expected a mapping with clusters, users and contexts");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new KubeConfigException($"kubeconfig {path}: not valid YAML at line {e.Start.Line}: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new KubeConfigException($"kubeconfig {path}: {e.Message}", e);
        }
    }

    private static void Collect(YamlMappingNode root, string listKey, string itemKey, string path, Dictionary<string, (YamlMappingNode, string)> into)
    {
        foreach (var entry in (Child(root, listKey) as YamlSequenceNode)?.Children.OfType<YamlMappingNode>() ?? [])
        {
            var name = Str(entry, "name") ?? throw new KubeConfigException($"kubeconfig {path}: an entry of '{listKey}' has no 'name'");
            if (Child(entry, itemKey) is YamlMappingNode body)
            {
                into.TryAdd(name, (body, path));
            }
        }
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Str(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static string? Pem(YamlMappingNode node, string dataKey, string fileKey, string dir, string owner)
    {
        if (Str(node, dataKey) is { Length: > 0 } data)
        {
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(data));
            }
            catch (FormatException e)
            {
                throw new KubeConfigException($"kubeconfig: {owner} '{dataKey}' is not base64: {e.Message}", e);
            }
        }
        if (Str(node, fileKey) is { Length: > 0 } file)
        {
            var full = Path.Combine(dir, file);
            return File.Exists(full) ? File.ReadAllText(full) : throw new KubeConfigException($"kubeconfig: {owner} '{fileKey}' {full} does not exist");
        }
        return null;
    }

    private static X509Certificate2Collection Roots(string pem, string path, string cluster)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new KubeConfigException($"kubeconfig {path}: cluster \"{cluster}\" certificate authority is not valid PEM: {e.Message}", e);
        }
        return roots.Count > 0 ? roots : throw new KubeConfigException($"kubeconfig {path}: cluster \"{cluster}\" certificate authority holds no certificate");
    }
}
