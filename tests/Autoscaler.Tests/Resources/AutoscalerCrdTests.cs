using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Autoscaler.Tests.Commands;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Resources;

public sealed class AutoscalerCrdTests
{
    [Fact]
    public void The_chart_ships_the_crd_the_types_generate()
    {
        var shipped = File.ReadAllText(CliRunner.Repo(AutoscalerCrd.ChartPath));
        Assert.True(
            shipped == AutoscalerCrd.Yaml(),
            $"{AutoscalerCrd.ChartPath} is out of date: run `dotnet run --project src/Autoscaler -- crd --output {AutoscalerCrd.ChartPath}`");
    }

    [Fact]
    public void The_crd_command_prints_it()
    {
        var result = CliRunner.Run("crd");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(AutoscalerCrd.Yaml(), result.Out);
    }

    [Fact]
    public void The_yaml_reads_back_as_the_crd()
    {
        var parsed = Assert.Single(YamlText.Parse(AutoscalerCrd.Yaml(), "crd"));
        Assert.True(JsonNode.DeepEquals(AutoscalerCrd.Build(), parsed), "the YAML does not read back as the same tree");
    }

    [Fact]
    public void Names_scope_status_subresource_and_printer_columns_are_those_users_touch()
    {
        var crd = AutoscalerCrd.Build();
        var spec = crd["spec"]!;
        Assert.Equal("risingwaveautoscalers.rwautoscaler.dev", (string?)crd["metadata"]!["name"]);
        Assert.Equal("rwautoscaler.dev", (string?)spec["group"]);
        Assert.Equal("RisingWaveAutoscaler", (string?)spec["names"]!["kind"]);
        Assert.Equal(["rwa"], spec["names"]!["shortNames"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("Namespaced", (string?)spec["scope"]);
        var version = spec["versions"]![0]!;
        Assert.Equal("v1alpha1", (string?)version["name"]);
        Assert.NotNull(version["subresources"]!["status"]);
        Assert.Equal(
            ["Target", "Mode", "Compute", "Compactor", "Ready", "Metrics", "Last Scale", "Reason", "Age", "Shard"],
            version["additionalPrinterColumns"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal(1, (int?)version["additionalPrinterColumns"]![9]!["priority"]); // kubectl get rwa -o wide
        var schema = version["schema"]!["openAPIV3Schema"]!;
        Assert.Equal(["targetRef", "mode", "pollingInterval", "historyLimit", "prometheus", "staleAfter", "signals", "compute", "compactor"],
            schema["properties"]!["spec"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["targetRef"], schema["properties"]!["spec"]!["required"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["maxReplicas", "policies"],
            schema["properties"]!["spec"]!["properties"]!["compute"]!["required"]!.AsArray().Select(n => (string?)n));
    }

    [Fact]
    public void The_full_example_uses_every_field_the_schema_declares_and_the_engine_accepts_them_all()
    {
        var schema = AutoscalerCrd.Build()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;
        var example = YamlText.Parse(File.ReadAllText(CliRunner.Repo("examples/autoscaler/full.yaml")), "full.yaml").Single();
        var declared = new SortedSet<string>(StringComparer.Ordinal);
        Paths(schema, "spec", declared);
        var used = new SortedSet<string>(StringComparer.Ordinal);
        Used(example["spec"], "spec", used);
        // compute and compactor share one type: the example shows it once, on compute. bearerTokenSecret excludes basicAuth.
        var missing = declared
            .Select(p => p.Replace("spec.compactor", "spec.compute", StringComparison.Ordinal))
            .Where(p => !used.Contains(p) && !p.StartsWith("spec.prometheus.bearerTokenSecret", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        Assert.True(missing.Count == 0, "examples/autoscaler/full.yaml does not show: " + string.Join(", ", missing));

        var config = AutoscalerSpecReader.Read(example, out var errors);
        Assert.Empty(errors);
        Assert.NotNull(config);
    }

    private static void Paths(JsonNode schema, string path, SortedSet<string> paths)
    {
        paths.Add(path);
        var node = (string?)schema["type"] == "array" ? schema["items"]! : schema;
        if (node["properties"] is JsonObject properties && node["x-kubernetes-preserve-unknown-fields"] is null)
        {
            foreach (var (name, child) in properties)
            {
                Paths(child!, $"{path}.{name}", paths);
            }
        }
    }

    private static void Used(JsonNode? node, string path, SortedSet<string> paths)
    {
        paths.Add(path);
        switch (node)
        {
            case JsonObject obj when !path.EndsWith("headers", StringComparison.Ordinal):
                foreach (var (name, child) in obj)
                {
                    Used(child, $"{path}.{name}", paths);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Used(item, path, paths);
                }

                break;
        }
    }
}
