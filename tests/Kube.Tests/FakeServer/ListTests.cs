using k8s.Models;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.TestKit;
using RwAutoscaler.TestKit.FakeKube;

namespace RwAutoscaler.Kube.Tests.FakeServer;

/// <summary>Checklist item 6: LIST bodies, selectors, pagination.</summary>
public sealed class ListTests : FakeServerTest
{
    private readonly ManualTimeProvider clock = new();

    protected override FakeApiServerOptions Options => new() { TimeProvider = clock };

    // kubernetes#3030, #63676, #98925: items of built-in kinds carry no kind/apiVersion; the envelope does.
    [Fact]
    public async Task list_items_of_built_in_kinds_omit_kind_and_api_version()
    {
        await Client.Builtin<V1Deployment>().CreateAsync(Deployment("web"));
        var (_, body) = await SendAsync(HttpMethod.Get, "/apis/apps/v1/namespaces/default/deployments");
        Assert.Equal("DeploymentList", (string?)body["kind"]);
        Assert.Equal("apps/v1", (string?)body["apiVersion"]);
        var item = body["items"]![0]!.AsObject();
        Assert.False(item.ContainsKey("kind"));
        Assert.False(item.ContainsKey("apiVersion"));
        // Our client gives them back, as a GET has them.
        var typed = await Client.Builtin<V1Deployment>().ListAsync("default");
        Assert.Equal("Deployment", typed.Items[0].Kind);
    }

    // Custom resources are served unstructured: their list items keep apiVersion and kind.
    [Fact]
    public async Task list_items_of_custom_resources_keep_kind_and_api_version()
    {
        await Client.Resource(RisingWaves).CreateAsync(RisingWave("rw"));
        var (_, body) = await SendAsync(HttpMethod.Get, "/apis/risingwave.risingwavelabs.com/v1alpha1/risingwaves");
        Assert.Equal("RisingWave", (string?)body["items"]![0]!["kind"]);
    }

    // apimachinery labels.Parse: k=v, k==v, k!=v, k in (...), k notin (...), k, !k.
    [Theory]
    [InlineData("app=rw", "a,b,c")]
    [InlineData("app==rw,tier=compute", "a")]
    [InlineData("tier!=compute", "b,c,d")]
    [InlineData("tier in (compute, meta)", "a,b")]
    [InlineData("tier notin (compute)", "b,c,d")]
    [InlineData("tier", "a,b,c")]
    [InlineData("!tier", "d")]
    [InlineData("app=rw,!canary", "a,b")]
    public async Task label_selectors_filter_lists(string selector, string expected)
    {
        var cms = Client.Builtin<V1ConfigMap>();
        async Task Make(string name, params (string K, string V)[] labels) =>
            await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = name, Labels = labels.ToDictionary(l => l.K, l => l.V) } });
        await Make("a", ("app", "rw"), ("tier", "compute"));
        await Make("b", ("app", "rw"), ("tier", "meta"));
        await Make("c", ("app", "rw"), ("tier", "frontend"), ("canary", "yes"));
        await Make("d", ("app", "other"));
        var list = await cms.ListAsync("default", new ListOptions { LabelSelector = selector });
        Assert.Equal(expected, string.Join(',', list.Items.Select(i => i.Metadata.Name)));
    }

    // Field selectors: metadata.name and metadata.namespace (all a custom resource supports); others are 400.
    [Fact]
    public async Task field_selectors_support_name_and_namespace_and_reject_other_fields()
    {
        Server.CreateNamespace("other");
        var rws = Client.Resource(RisingWaves);
        await rws.CreateAsync(RisingWave("a"));
        await rws.CreateAsync(RisingWave("b"));
        await rws.CreateAsync(RisingWave("a"), "other");
        var byName = await rws.ListAsync(null, new ListOptions { FieldSelector = "metadata.name=a" });
        Assert.Equal(2, byName.Items.Count);
        var byNs = await rws.ListAsync(null, new ListOptions { FieldSelector = "metadata.name=a,metadata.namespace!=default" });
        Assert.Equal("other", Assert.Single(byNs.Items).GetNamespace());
        var e = await ThrowsApiAsync(() => rws.ListAsync(null, new ListOptions { FieldSelector = "spec.replicas=1" }));
        Assert.Equal(400, e.Code);
        Assert.Equal("field label not supported: spec.replicas", e.Status.Message);
    }

    // api-concepts "Retrieving large results sets in chunks": limit/continue, one resourceVersion across pages,
    // a consistent snapshot even when objects change between pages.
    [Fact]
    public async Task pages_share_one_resource_version_and_one_snapshot()
    {
        var cms = Client.Builtin<V1ConfigMap>();
        for (var i = 0; i < 5; i++)
        {
            await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = $"c{i}" } });
        }
        var first = await cms.ListAsync("default", new ListOptions { Limit = 2 });
        Assert.Equal(["c0", "c1"], first.Items.Select(i => i.Metadata.Name));
        Assert.Equal(3, first.Metadata.RemainingItemCount);
        await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = "c5" } });
        var second = await cms.ListAsync("default", new ListOptions { Limit = 2, Continue = first.Metadata.ContinueProperty });
        var third = await cms.ListAsync("default", new ListOptions { Limit = 2, Continue = second.Metadata.ContinueProperty });
        Assert.Equal(["c2", "c3", "c4"], second.Items.Concat(third.Items).Select(i => i.Metadata.Name));
        Assert.Null(third.Metadata.ContinueProperty);
        Assert.Equal(first.Metadata.ResourceVersion, third.Metadata.ResourceVersion);
        var all = await cms.ListAllAsync("default", pageSize: 4);
        Assert.Equal(6, all.Items.Count);
    }

    // api-concepts: a continue token expires after about five minutes and then answers 410.
    [Fact]
    public async Task an_expired_continue_token_is_gone()
    {
        var cms = Client.Builtin<V1ConfigMap>();
        for (var i = 0; i < 3; i++)
        {
            await cms.CreateAsync(new V1ConfigMap { Metadata = new() { Name = $"c{i}" } });
        }
        var first = await cms.ListAsync("default", new ListOptions { Limit = 1 });
        clock.Advance(TimeSpan.FromMinutes(6));
        var e = await ThrowsApiAsync(() => cms.ListAsync("default", new ListOptions { Limit = 1, Continue = first.Metadata.ContinueProperty }));
        Assert.True(e.IsExpired);
        Assert.Equal(410, e.Code);
    }

    // Contract §1.4: sendInitialEvents (streaming lists) is deliberately refused, not silently ignored.
    [Fact]
    public async Task send_initial_events_is_refused()
    {
        var (code, _) = await SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan");
        Assert.Equal(422, code);
    }
}
