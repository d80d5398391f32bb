using k8s.Models;
using System.Diagnostics;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Kube.Tests.FakeServer;

/// <summary>Checklist item 11: fault injection per verb and path, and the client's answers to it.</summary>
public sealed class FaultTests : FakeServerTest
{
    // api-conventions "HTTP Status codes": 429 carries Retry-After and the client honours it.
    [Fact]
    public async Task a_429_is_retried_after_retry_after()
    {
        await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "c" } });
        using var fault = Server.Faults.Add(FaultRule.Respond(429, TimeSpan.FromSeconds(1)) with { Verb = "get", PathContains = "/configmaps/c", Times = 1 });
        var watch = Stopwatch.StartNew();
        var c = await Client.Builtin<V1ConfigMap>().GetAsync("default", "c");
        Assert.Equal("c", c.Metadata.Name);
        Assert.Equal(1, fault.Hits);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), watch.Elapsed.ToString());
    }

    // Idempotent calls retry 5xx with backoff; the injected fault hits as often as asked, then the call succeeds.
    [Fact]
    public async Task an_idempotent_call_retries_server_errors()
    {
        await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "c" } });
        using var fault = Server.Faults.Add(FaultRule.Respond(503) with { Verb = "get", Times = 3 });
        await Client.Builtin<V1ConfigMap>().GetAsync("default", "c");
        Assert.Equal(3, fault.Hits);
    }

    // A POST is not idempotent: a 500 is not retried, and the error keeps the server's code and reason.
    [Fact]
    public async Task a_create_is_not_retried_on_a_server_error()
    {
        using var fault = Server.Faults.Add(FaultRule.Respond(500) with { Verb = "create" });
        var e = await ThrowsApiAsync(() => Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "c" } }));
        Assert.Equal((500, "InternalError"), (e.Code, e.Reason));
        Assert.Equal(1, fault.Hits);
    }

    // A dropped connection is a transport error: retried for GET, surfaced after the retries run out.
    [Fact]
    public async Task a_dropped_connection_is_retried_then_surfaced()
    {
        using var fault = Server.Faults.Add(FaultRule.DropConnection() with { Verb = "list" });
        await Assert.ThrowsAsync<HttpRequestException>(() => Client.Builtin<V1ConfigMap>().ListAsync("default"));
        Assert.Equal(Client.Options.MaxRetries + 1, fault.Hits);
    }

    // Faults match by verb and path only: other calls pass.
    [Fact]
    public async Task a_fault_hits_only_its_verb_and_path()
    {
        using var fault = Server.Faults.Add(FaultRule.Respond(403) with { Verb = "update", PathContains = "/leases/" });
        var leases = Client.Builtin<V1Lease>();
        var lease = await leases.CreateAsync(new V1Lease { Metadata = new() { Name = "l" }, Spec = new V1LeaseSpec { HolderIdentity = "a" } });
        var e = await ThrowsApiAsync(() => leases.ReplaceAsync(lease));
        Assert.Equal(403, e.Code);
        await Client.Builtin<V1ConfigMap>().CreateAsync(new V1ConfigMap { Metadata = new() { Name = "c" } });
        fault.Dispose();
        await leases.ReplaceAsync(lease with { Spec = new V1LeaseSpec { HolderIdentity = "b" } });
    }

    // Latency is injected before the request is served.
    [Fact]
    public async Task latency_delays_the_answer()
    {
        using var fault = Server.Faults.Add(FaultRule.Delay(TimeSpan.FromMilliseconds(300)) with { Verb = "list" });
        var watch = Stopwatch.StartNew();
        await Client.Builtin<V1ConfigMap>().ListAsync("default");
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(250), watch.Elapsed.ToString());
    }
}
