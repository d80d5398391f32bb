using k8s.Models;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Kube.Tests;

/// <summary>A fresh fake API server per test, our client for it, and a raw HttpClient for wire-level checks.</summary>
public abstract class FakeServerTest : IAsyncLifetime
{
    public static readonly ResourceType RisingWaves = new("risingwave.risingwavelabs.com", "v1alpha1", "risingwaves", "RisingWave");
    public static readonly ResourceType ScaleViews = new("risingwave.risingwavelabs.com", "v1alpha1", "risingwavescaleviews", "RisingWaveScaleView");

    protected FakeApiServer Server { get; private set; } = null!;

    protected KubernetesClient Client { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    protected virtual FakeApiServerOptions Options => new();

    protected virtual KubeClientOptions ClientOptions => new() { InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20) };

    public async Task InitializeAsync()
    {
        Server = await FakeApiServer.StartAsync(Options);
        Client = Server.CreateClient(ClientOptions);
        Http = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Server.RegisterCustomResource(new CustomResourceDefinition
        {
            Group = "risingwave.risingwavelabs.com", Version = "v1alpha1", Kind = "RisingWave", Plural = "risingwaves",
            ShortNames = ["rw"], StatusSubresource = true,
        });
        Server.RegisterCustomResource(new CustomResourceDefinition
        {
            Group = "risingwave.risingwavelabs.com", Version = "v1alpha1", Kind = "RisingWaveScaleView", Plural = "risingwavescaleviews",
            ShortNames = ["rwsv"], StatusSubresource = true,
            // risingwave-operator risingwave_scale_view_types.go: scale paths and printer columns.
            Scale = new ScaleSubresource(".spec.replicas", ".status.replicas", ".spec.labelSelector"),
            PrinterColumns =
            [
                new PrinterColumn("TARGET", "string", ".spec.targetRef.name"),
                new PrinterColumn("COMPONENT", "string", ".spec.targetRef.component"),
                new PrinterColumn("READY", "integer", ".status.replicas"),
                new PrinterColumn("REPLICAS", "integer", ".spec.replicas"),
                new PrinterColumn("LOCKED", "boolean", ".status.locked"),
            ],
        });
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        Client.Dispose();
        await Server.DisposeAsync();
    }

    protected static JsonObject RisingWave(string name, int replicas = 1) => new()
    {
        ["apiVersion"] = "risingwave.risingwavelabs.com/v1alpha1",
        ["kind"] = "RisingWave",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["image"] = "risingwavelabs/risingwave:v2.1.0", ["replicas"] = replicas, ["futureField"] = new JsonObject { ["kept"] = true } },
    };

    protected static V1Deployment Deployment(string name, int replicas = 1) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "nginx:1.25" }] },
            },
        },
    };

    protected async Task<(int Code, JsonObject Body)> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    protected static async Task<KubeApiException> ThrowsApiAsync(Func<Task> action) => await Assert.ThrowsAsync<KubeApiException>(action);
}
