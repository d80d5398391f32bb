using System.Text;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Config;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Kube.Tests.Config;

public sealed class KubeConfigTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    // The kubeconfig the fake writes (also used by the kubectl tests) works for our client, token included.
    [Fact]
    public async Task a_generated_kubeconfig_reaches_the_fake_with_its_token()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.CreateNamespace("rw");
        var config = KubeConfigLoader.Load(server.WriteKubeconfig(Path.Combine(dir, "config"), "rw"));
        Assert.Equal("rw", config.Namespace);
        using var client = new KubernetesClient(config);
        await client.Resource<ConfigMap>().CreateAsync(new ConfigMap { Metadata = new() { Name = "c" } });
        Assert.NotNull(server.GetObject(ResourceType.ConfigMaps, "rw", "c"));
        Assert.All(server.Requests, r => Assert.Equal("Bearer fake-token", r.Authorization));
    }

    // clientcmd loader.go: KUBECONFIG files merge with the first occurrence of a name winning; --context overrides current-context.
    [Fact]
    public void kubeconfig_files_merge_first_wins_and_context_can_be_chosen()
    {
        var first = Write("a", """
            current-context: dev
            clusters:
            - {name: c1, cluster: {server: "https://first:6443"}}
            users:
            - {name: u1, user: {token: t1}}
            contexts:
            - {name: dev, context: {cluster: c1, user: u1, namespace: team}}
            """);
        var second = Write("b", """
            current-context: other
            clusters:
            - {name: c1, cluster: {server: "https://ignored:6443"}}
            - {name: c2, cluster: {server: "https://second:6443", insecure-skip-tls-verify: true}}
            contexts:
            - {name: prod, context: {cluster: c2}}
            """);
        var dev = KubeConfigLoader.Load([first, second]);
        Assert.Equal(("https://first:6443/", "team"), (dev.Server.ToString(), dev.Namespace));
        Assert.IsType<StaticTokenSource>(dev.Tokens);
        var prod = KubeConfigLoader.Load([first, second], "prod");
        Assert.Equal(("https://second:6443/", "default", true), (prod.Server.ToString(), prod.Namespace, prod.InsecureSkipTlsVerify));
        Assert.Null(prod.Tokens);
    }

    [Theory]
    [InlineData("current-context: x\ncontexts: []", "context \"x\" not found")]
    [InlineData("contexts: []", "no current-context is set")]
    [InlineData("current-context: x\ncontexts:\n- {name: x, context: {cluster: c}}\nclusters:\n- {name: c, cluster: {}}", "cluster \"c\" needs 'server'")]
    [InlineData("current-context: x\ncontexts:\n- {name: x, context: {cluster: c}}\nclusters:\n- {name: c, cluster: {server: ftp://x}}", "is not an http(s) URL")]
    [InlineData("current-context: x\ncontexts:\n- {name: x, context: {cluster: c, user: u}}\nclusters:\n- {name: c, cluster: {server: 'https://x'}}\nusers:\n- {name: u, user: {auth-provider: {name: gcp}}}", "auth-provider, which is not supported")]
    [InlineData("current-context: x\n  bad: [", "not valid YAML")]
    public void a_bad_kubeconfig_names_what_is_wrong(string text, string expected)
    {
        var path = Write("bad", text);
        var e = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(path));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    // client-go NewCachedFileTokenSource: the token file is re-read every minute (projected tokens rotate).
    [Fact]
    public async Task in_cluster_config_reads_the_service_account_and_re_reads_the_token()
    {
        var sa = Directory.CreateDirectory(Path.Combine(dir, "sa")).FullName;
        File.WriteAllText(Path.Combine(sa, "token"), "token-1\n");
        File.WriteAllText(Path.Combine(sa, "namespace"), "rw-system\n");
        File.WriteAllText(Path.Combine(sa, "ca.crt"), TestCertificates.CertificatePem(TestCertificates.CreateAuthority()));
        var env = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "fd00::1", ["KUBERNETES_SERVICE_PORT"] = "443" };
        var clock = new ManualTimeProvider();
        Assert.True(InClusterConfig.IsInCluster(sa, env.GetValueOrDefault));
        var config = InClusterConfig.Load(sa, env.GetValueOrDefault, clock);
        Assert.Equal(("https://[fd00::1]/", "rw-system", 1), (config.Server.ToString(), config.Namespace, config.CertificateAuthorities!.Count));
        Assert.Equal("token-1", await config.Tokens!.GetTokenAsync(default));
        File.WriteAllText(Path.Combine(sa, "token"), "token-2");
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("token-1", await config.Tokens.GetTokenAsync(default));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("token-2", await config.Tokens.GetTokenAsync(default));

        env["POD_NAMESPACE"] = "from-env";
        Assert.Equal("from-env", InClusterConfig.Load(sa, env.GetValueOrDefault).Namespace);
        var e = Assert.Throws<KubeConfigException>(() => InClusterConfig.Load(sa, _ => null));
        Assert.Contains("KUBERNETES_SERVICE_HOST", e.Message, StringComparison.Ordinal);
    }

    // clientauthentication/v1 ExecCredential: the plugin gets KUBERNETES_EXEC_INFO and its token is cached until expirationTimestamp.
    [Fact]
    public async Task an_exec_plugin_token_is_cached_until_it_expires()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var counter = Path.Combine(dir, "calls");
        var expiry = clock.GetUtcNow().AddMinutes(10).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var script = Write("plugin.sh", $$$"""
            #!/bin/sh
            echo call >> "{{{counter}}}"
            case "$KUBERNETES_EXEC_INFO" in *'"kind":"ExecCredential"'*) ;; *) echo "no exec info" >&2; exit 3;; esac
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-%s","expirationTimestamp":"{{{expiry}}}"} }' "$(wc -l < "{{{counter}}}" | tr -d ' ')"
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        }
        var path = Write("config", """
            current-context: x
            contexts: [{name: x, context: {cluster: c, user: u}}]
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./plugin.sh
                  provideClusterInfo: true
            """);
        var config = KubeConfigLoader.Load(path, timeProvider: clock);
        Assert.Equal("exec-1", await config.Tokens!.GetTokenAsync(default));
        Assert.Equal("exec-1", await config.Tokens.GetTokenAsync(default));
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal("exec-2", await config.Tokens.GetTokenAsync(default));
    }

    // TLS: the cluster CA (data) is trusted and nothing else; insecure-skip-tls-verify trusts anything;
    // a client certificate (data) is presented to the server.
    [Fact]
    public async Task tls_trusts_the_configured_authority_and_presents_the_client_certificate()
    {
        var ca = TestCertificates.CreateAuthority();
        var otherCa = TestCertificates.CreateAuthority("someone-else");
        var client = TestCertificates.IssueClient(ca, "rw-operator");
        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { ServerCertificate = TestCertificates.IssueServer(ca) });
        string Config(string cluster, string user = "{}") => Write(Guid.NewGuid().ToString("N"), $$$"""
            current-context: x
            contexts: [{name: x, context: {cluster: c, user: u}}]
            clusters: [{name: c, cluster: {{{cluster}}}}]
            users: [{name: u, user: {{{user}}}}]
            """);

        var trusted = KubeConfigLoader.Load(Config(
            $"{{server: \"{server.BaseAddress}\", certificate-authority-data: {B64(TestCertificates.CertificatePem(ca))}}}",
            $"{{client-certificate-data: {B64(TestCertificates.CertificatePem(client))}, client-key-data: {B64(TestCertificates.KeyPem(client))}}}"));
        using (var k = new KubernetesClient(trusted))
        {
            await k.Resource<Namespace>().GetAsync(null, "default");
        }
        Assert.Equal("CN=rw-operator", server.Requests[^1].ClientCertificate);

        var wrong = KubeConfigLoader.Load(Config($"{{server: \"{server.BaseAddress}\", certificate-authority-data: {B64(TestCertificates.CertificatePem(otherCa))}}}"));
        using (var k = new KubernetesClient(wrong, new KubeClientOptions { MaxRetries = 0 }))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => k.Resource<Namespace>().GetAsync(null, "default"));
        }

        var insecure = KubeConfigLoader.Load(Config($"{{server: \"{server.BaseAddress}\", insecure-skip-tls-verify: true}}"));
        using (var k = new KubernetesClient(insecure))
        {
            await k.Resource<Namespace>().GetAsync(null, "default");
        }
    }
}
