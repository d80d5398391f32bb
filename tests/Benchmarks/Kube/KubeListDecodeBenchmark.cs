using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using k8s;
using k8s.Models;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Benchmarks.Kube;

/// <summary>
/// Decoding a 10,000-item DeploymentList (the bytes the fake serves, about 11 MB) into the official client's typed models
/// and into a JsonObject (the untyped path custom resources take).
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*Kube*'
/// </summary>
[MemoryDiagnoser]
public class KubeListDecodeBenchmark
{
    private byte[] list = [];

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        await using FakeApiServer server = await KubeFixture.StartAsync(10_000);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        list = await http.GetByteArrayAsync("/apis/apps/v1/namespaces/default/deployments");
        Console.WriteLine($"// list body: {list.Length:N0} bytes");
    }

    [Benchmark]
    public int DecodeTyped10k() => KubernetesJson.Deserialize<V1DeploymentList>(new MemoryStream(list)).Items.Count;

    [Benchmark]
    public int DecodeJsonObject10k() => KubernetesJson.Deserialize<JsonObject>(new MemoryStream(list))["items"]!.AsArray().Count;
}
