using System.Text.Json.Nodes;

namespace RwAutoscaler.Chart.Tests.Rendering;

/// <summary>One object of the rendered chart and the template it came from.</summary>
internal sealed record RenderedObject(string Template, JsonObject Object)
{
    public string Kind => (string)Object["kind"]!;

    public string Name => (string)Object["metadata"]!["name"]!;

    public override string ToString() => $"{Kind} {Name} ({Template})";
}

/// <summary>
/// A chart directory rendered as <c>helm template</c> would: values.yaml merged with the caller's values (maps merge,
/// everything else replaces, as with <c>-f</c>), named templates shared by every file, files starting with '_' not
/// rendered, <c>.Files.Get</c> reading from the chart directory.
/// </summary>
internal sealed class HelmChart
{
    private readonly string _directory;
    private readonly Dictionary<string, IReadOnlyList<TemplateNode>> _templates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<TemplateNode>> _defines = new(StringComparer.Ordinal);

    public HelmChart(string directory)
    {
        _directory = directory;
        Metadata = (JsonObject)YamlText.Parse(File.ReadAllText(Path.Combine(directory, "Chart.yaml")), "Chart.yaml").Single();
        DefaultValues = (JsonObject)YamlText.Parse(File.ReadAllText(Path.Combine(directory, "values.yaml")), "values.yaml").Single();
        foreach (var path in Directory.GetFiles(Path.Combine(directory, "templates")).Order(StringComparer.Ordinal))
        {
            var file = "templates/" + Path.GetFileName(path);
            var (nodes, defines) = TemplateParser.Parse(File.ReadAllText(path), file);
            foreach (var (name, body) in defines)
            {
                if (!_defines.TryAdd(name, body))
                {
                    throw new TemplateException($"{file}: template \"{name}\" is defined twice");
                }
            }

            if (!Path.GetFileName(path).StartsWith('_'))
            {
                _templates[file] = nodes;
            }
        }
    }

    public JsonObject Metadata { get; }

    public JsonObject DefaultValues { get; }

    public IReadOnlyCollection<string> Templates => _templates.Keys;

    /// <summary>Every object the chart renders with these values (YAML text merged over values.yaml).</summary>
    public IReadOnlyList<RenderedObject> Render(string? values = null, string releaseName = "rwa", string releaseNamespace = "rwautoscaler")
    {
        var merged = (JsonObject)DefaultValues.DeepClone();
        if (values is not null)
        {
            foreach (var doc in YamlText.Parse(values, "values"))
            {
                Merge(merged, (JsonObject)doc);
            }
        }

        return RenderText(merged, releaseName, releaseNamespace)
            .SelectMany(t => YamlText.Parse(t.Text, t.Template).Select(d => new RenderedObject(t.Template, (JsonObject)d)))
            .ToList();
    }

    /// <summary>The text of every template (before YAML parsing), for the tests that look at the text itself.</summary>
    public IReadOnlyList<(string Template, string Text)> RenderText(JsonObject values, string releaseName, string releaseNamespace)
    {
        var root = new JsonObject
        {
            ["Values"] = values.DeepClone(),
            ["Release"] = new JsonObject { ["Name"] = releaseName, ["Namespace"] = releaseNamespace, ["Service"] = "Helm" },
            ["Chart"] = new JsonObject
            {
                ["Name"] = Metadata["name"]?.DeepClone(),
                ["Version"] = Metadata["version"]?.DeepClone(),
                ["AppVersion"] = Metadata["appVersion"]?.DeepClone(),
            },
        };
        var engine = new TemplateEngine(_defines, ReadFile);
        return _templates.Select(t => (t.Key, engine.Render(t.Value, root, t.Key))).ToList();
    }

    private string ReadFile(string relative)
    {
        var full = Path.GetFullPath(Path.Combine(_directory, relative));
        if (!full.StartsWith(Path.GetFullPath(_directory), StringComparison.Ordinal) || !File.Exists(full))
        {
            throw new TemplateException($".Files.Get \"{relative}\": no such file in the chart");
        }

        return File.ReadAllText(full);
    }

    /// <summary>Helm's coalescing of -f values: maps merge key by key, anything else replaces.</summary>
    public static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source)
        {
            if (value is JsonObject map && target[key] is JsonObject existing)
            {
                Merge(existing, map);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}
