namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// A custom resource to serve, as a CRD would declare it (one version). Register it with
/// <see cref="FakeApiServer.RegisterCustomResource"/>, or POST a real CRD to
/// /apis/apiextensions.k8s.io/v1/customresourcedefinitions.
/// </summary>
public sealed record CustomResourceDefinition
{
    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Kind { get; init; }

    public required string Plural { get; init; }

    public string? Singular { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    public bool Namespaced { get; init; } = true;

    /// <summary>subresources.status: writes to the main resource ignore status; /status takes only status.</summary>
    public bool StatusSubresource { get; init; }

    /// <summary>subresources.scale, or null for none.</summary>
    public ScaleSubresource? Scale { get; init; }

    /// <summary>additionalPrinterColumns, shown by <c>kubectl get</c> after NAME (AGE is appended when absent).</summary>
    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];

    /// <summary>
    /// The version's openAPIV3Schema, published in /openapi/v3 for <c>kubectl explain</c> (as the apiserver publishes
    /// CRD schemas). The fake does not validate objects against it.
    /// </summary>
    public System.Text.Json.Nodes.JsonObject? Schema { get; init; }
}

/// <summary>
/// Paths are JSON paths as CRDs write them (".spec.replicas"). specReplicasPath must be under .spec,
/// statusReplicasPath under .status; labelSelectorPath is optional and names a string field.
/// </summary>
public sealed record ScaleSubresource(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath = null);

/// <summary>An additionalPrinterColumn: Type is string, integer, number, boolean or date; JsonPath like ".spec.replicas".</summary>
/// <summary>One additionalPrinterColumn; a priority above 0 is shown only by <c>kubectl get -o wide</c>.</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, int Priority = 0);
