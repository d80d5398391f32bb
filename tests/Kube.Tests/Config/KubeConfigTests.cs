using k8s.Models;
using System.Text;
using RwAutoscaler.Kube.Client;
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

    // The kubeconfig the fake writes (also used by the kubectl tests) works for the official client, token and namespace included.
    [Fact]
    public async Task a_generated_kubeconfig_reaches_the_fake_with_its_token()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.CreateNamespace("rw");
        var config = KubernetesClient.LoadConfig(server.WriteKubeconfig(Path.Combine(dir, "config"), "rw"));
        Assert.Equal("rw", config.Namespace);
        using var client = new KubernetesClient(config);
        await client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "c" } });
        Assert.NotNull(server.GetObject(ResourceType.ConfigMaps, "rw", "c"));
        Assert.All(server.Requests, r => Assert.Equal("Bearer fake-token", r.Authorization));
    }

    // --context overrides current-context.
    [Fact]
    public void a_context_can_be_chosen()
    {
        var path = Write("config", """
            current-context: dev
            clusters:
            - {name: c1, cluster: {server: "https://first:6443"}}
            - {name: c2, cluster: {server: "https://second:6443", insecure-skip-tls-verify: true}}
            users:
            - {name: u1, user: {token: t1}}
            contexts:
            - {name: dev, context: {cluster: c1, user: u1, namespace: team}}
            - {name: prod, context: {cluster: c2}}
            """);
        var dev = KubernetesClient.LoadConfig(path);
        Assert.Equal(("https://first:6443", "team", "t1"), (dev.Host.TrimEnd('/'), dev.Namespace, dev.AccessToken));
        var prod = KubernetesClient.LoadConfig(path, "prod");
        Assert.Equal(("https://second:6443", true), (prod.Host.TrimEnd('/'), prod.SkipTlsVerify));
    }

    // What the daemon and the operator print at start when the configuration is unusable: the library's reason.
    [Theory]
    [InlineData("current-context: x\ncontexts: []", "x")]
    [InlineData("current-context: x\n  bad: [", "cannot load the Kubernetes configuration")]
    public void a_bad_kubeconfig_is_an_error_naming_what_is_wrong(string text, string expected)
    {
        var path = Write("bad", text);
        var e = Assert.Throws<k8s.Exceptions.KubeConfigException>(() => KubernetesClient.LoadConfig(path));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    // clientauthentication/v1 ExecCredential, run by the library: the plugin gets KUBERNETES_EXEC_INFO and its token reaches the server.
    [Fact]
    public async Task an_exec_plugin_token_reaches_the_server()
    {
        await using var server = await FakeApiServer.StartAsync();
        var script = Write("plugin.sh", """
            #!/bin/sh
            case "$KUBERNETES_EXEC_INFO" in *ExecCredential*) ;; *) echo "no exec info" >&2; exit 3;; esac
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-1"}}'
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        }
        var path = Write("config", $$$"""
            current-context: x
            contexts: [{name: x, context: {cluster: c, user: u}}]
            clusters: [{name: c, cluster: {server: "{{{server.BaseAddress}}}"}}]
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: {{{script}}}
                  interactiveMode: Never
            """);
        using var client = new KubernetesClient(KubernetesClient.LoadConfig(path));
        await client.Builtin<V1Namespace>().GetAsync(null, "default");
        Assert.Equal("Bearer exec-1", server.Requests[^1].Authorization);
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
        string Config(string cluster, string user = "{token: anonymous}") => Write(Guid.NewGuid().ToString("N"), $$$"""
            current-context: x
            contexts: [{name: x, context: {cluster: c, user: u}}]
            clusters: [{name: c, cluster: {{{cluster}}}}]
            users: [{name: u, user: {{{user}}}}]
            """);

        var trusted = KubernetesClient.LoadConfig(Config(
            $"{{server: \"{server.BaseAddress}\", certificate-authority-data: {B64(TestCertificates.CertificatePem(ca))}}}",
            $"{{client-certificate-data: {B64(TestCertificates.CertificatePem(client))}, client-key-data: {B64(TestCertificates.KeyPem(client))}}}"));
        using (var k = new KubernetesClient(trusted))
        {
            await k.Builtin<V1Namespace>().GetAsync(null, "default");
        }
        Assert.Equal("CN=rw-operator", server.Requests[^1].ClientCertificate);

        var wrong = KubernetesClient.LoadConfig(Config($"{{server: \"{server.BaseAddress}\", certificate-authority-data: {B64(TestCertificates.CertificatePem(otherCa))}}}"));
        using (var k = new KubernetesClient(wrong, new KubeClientOptions { MaxRetries = 0 }))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => k.Builtin<V1Namespace>().GetAsync(null, "default"));
        }

        var insecure = KubernetesClient.LoadConfig(Config($"{{server: \"{server.BaseAddress}\", insecure-skip-tls-verify: true}}"));
        using (var k = new KubernetesClient(insecure))
        {
            await k.Builtin<V1Namespace>().GetAsync(null, "default");
        }
    }
}
