using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Models;
using RwAutoscaler.Operator.Cli;
using RwAutoscaler.Operator.Factory;
using RwAutoscaler.Operator.Resources;
using RwAutoscaler.Operator.Runtime;
using RwAutoscaler.Operator.Tests.Support;
using RwAutoscaler.Operator.Yaml;
using Xunit;

namespace RwAutoscaler.Operator.Tests.Factory;

/// <summary>Every object the operator creates for the examples validates against the official Kubernetes schemas (kubernetes-models).</summary>
public sealed class SchemaValidationTests
{
    public static TheoryData<string> Examples => new(Repository.Examples);

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Objects_stored_for_an_example_are_valid_Kubernetes_objects(string example)
    {
        await using var fx = await OperatorFixture.StartAsync();
        var key = await fx.CreateAsync(Repository.LoadRisingWave(example));
        await fx.ConvergeAsync(key);
        var objects = OperatorCaches.OwnedTypes.SelectMany(t => fx.Objects(t, key))
            .Concat(fx.Server.ListObjects(ResourceType.Events, "default"))
            .ToList();
        Assert.True(objects.Count >= 9 + 1, $"expected the ConfigMap, 4 Services, 4+ workloads and an event, got {objects.Count}");

        var verdict = await KubernetesSchemas.ValidateAsync(objects);

        if (verdict is not null)
        {
            Assert.Empty(verdict.Errors);
            Assert.Equal(objects.Count, verdict.Validated);
        }
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Objects_the_factory_asks_for_are_valid_before_any_server_defaults(string example)
    {
        var risingWave = Parse(Repository.LoadRisingWave(example));
        var factory = new RisingWaveObjectFactory(risingWave);
        var objects = new List<JsonObject> { factory.DefaultConfigMap() };
        foreach (var component in ComponentKind.All)
        {
            objects.Add(factory.Service(component));
            objects.AddRange(component.Groups(risingWave.Spec).Select(g => factory.Workload(component, g)));
        }

        var verdict = await KubernetesSchemas.ValidateAsync(objects);

        if (verdict is not null)
        {
            Assert.Empty(verdict.Errors);
        }
    }

    [Fact]
    public async Task The_generated_CRD_is_a_valid_CustomResourceDefinition()
    {
        var crd = YamlJson.Load(CrdCommand.Render()).Single().AsObject();

        var verdict = await KubernetesSchemas.ValidateAsync([crd]);

        if (verdict is not null)
        {
            Assert.Empty(verdict.Errors);
        }
    }

    [Fact]
    public async Task The_validator_rejects_a_broken_object()
    {
        var risingWave = Parse(Repository.LoadRisingWave("risingwave-memory.yaml"));
        var workload = new RisingWaveObjectFactory(risingWave).Workload(ComponentKind.Compute, risingWave.Spec!.Components!.Compute!.NodeGroups![0]);
        workload["spec"]!["replicas"] = "one";
        workload["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject().Remove("name");

        var verdict = await KubernetesSchemas.ValidateAsync([workload]);

        if (verdict is not null)
        {
            var problem = Assert.Single(verdict.Errors);
            Assert.Contains("replicas must be integer", problem.Error, StringComparison.Ordinal);
            Assert.Contains("must have required property name", problem.Error, StringComparison.Ordinal);
        }
    }

    internal static RisingWave Parse(JsonObject risingWave)
    {
        var parsed = risingWave.Deserialize(OperatorJsonContext.Default.RisingWave)!;
        parsed.Metadata.NamespaceProperty = "default";
        parsed.Metadata.Uid = "00000000-0000-0000-0000-000000000001";
        return parsed;
    }
}
