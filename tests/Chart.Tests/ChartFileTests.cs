using System.Text.Json.Nodes;
using RwAutoscaler.Chart.Tests.Rendering;
using RwAutoscaler.Chart.Tests.Support;
using Xunit;

namespace RwAutoscaler.Chart.Tests;

/// <summary>Every file of the chart parses, and what it renders is valid against the official schemas.</summary>
public sealed class ChartFileTests
{
    public static TheoryData<string, string> ValueSets => new()
    {
        { "defaults", "" },
        { "everything", Charts.Everything },
        { "examples/complete", Charts.CompleteExample },
        { "one namespace, no leader election, one replica", "autoscaler: {replicas: 1, watchNamespace: streaming, leaderElection: {enabled: false}}\noperator: {enabled: true, leaderElection: {enabled: false}}" },
    };

    [Fact]
    public void Chart_metadata_names_the_chart_and_a_semantic_version()
    {
        var chart = Charts.Chart.Metadata;
        Assert.Equal("v2", (string?)chart["apiVersion"]);
        Assert.Equal("risingwave-autoscaler", (string?)chart["name"]);
        Assert.Matches(@"^\d+\.\d+\.\d+$", (string?)chart["version"]);
        Assert.Matches(@"^\d+\.\d+\.\d+$", (string?)chart["appVersion"]);
    }

    [Fact]
    public void The_CRDs_parse_and_are_the_two_the_processes_generate()
    {
        var crds = Directory.GetFiles(Path.Combine(Repository.ChartDirectory, "crds"))
            .Select(f => (JsonObject)YamlText.Parse(File.ReadAllText(f), f).Single())
            .Select(c => (string?)c["metadata"]!["name"]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["risingwaveautoscalers.rwautoscaler.dev", "risingwaves.risingwave.risingwavelabs.com"], crds);
    }

    [Fact]
    public void The_dashboard_is_JSON_with_a_uid_and_panels()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.ChartDirectory, "dashboards/risingwave-autoscaler.json")))!;
        Assert.Equal("rwautoscaler", (string?)dashboard["uid"]);
        Assert.True(dashboard["panels"]!.AsArray().Count >= 10);
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Every_rendered_object_is_valid_against_the_official_schemas(string name, string values)
    {
        var objects = Charts.Chart.Render(values);
        Assert.All(objects, o => Assert.False(string.IsNullOrEmpty(o.Name), $"{o} has no name ({name})"));
        Assert.Equal(objects.Count, objects.Select(o => (o.Kind, o.Name)).Distinct().Count());
        var problems = await NodeTools.KubernetesProblemsAsync(objects.Select(o => o.Object));
        if (problems is not null)
        {
            Assert.True(problems.Count == 0, $"{name}:\n" + string.Join('\n', problems));
        }
    }

    [Fact]
    public void Templates_outside_the_subset_are_refused_with_the_file_and_line()
    {
        var e = Assert.Throws<TemplateException>(() => TemplateParser.Parse("a: 1\n{{ $x := 1 }}", "templates/x.yaml"));
        Assert.Contains("templates/x.yaml:2", e.Message, StringComparison.Ordinal);
        var (nodes, defines) = TemplateParser.Parse("{{ tpl .Values.x . }}", "t");
        var e2 = Assert.Throws<TemplateException>(() => new TemplateEngine(defines, _ => "").Render(nodes, new JsonObject { ["Values"] = new JsonObject { ["x"] = "y" } }, "t"));
        Assert.Contains("\"tpl\" is outside the allowed subset", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_value_fails_to_render_instead_of_printing_nothing()
    {
        var (nodes, defines) = TemplateParser.Parse("replicas: {{ .Values.autoscaler.replica }}", "t");
        var root = new JsonObject { ["Values"] = Charts.Chart.DefaultValues.DeepClone() };
        var e = Assert.Throws<TemplateException>(() => new TemplateEngine(defines, _ => "").Render(nodes, root, "t"));
        Assert.Contains("printing a missing value", e.Message, StringComparison.Ordinal);
    }
}
