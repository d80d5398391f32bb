using System.Text.Json.Nodes;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>Everything the fake needs to serve one resource, built-in or custom.</summary>
internal sealed record ResourceDefinition
{
    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Kind { get; init; }

    public required string Plural { get; init; }

    public string Singular => Kind.ToLowerInvariant();

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    public bool Namespaced { get; init; } = true;

    /// <summary>
    /// Custom resources: no unconditional PUT (422 without resourceVersion), no strategic merge patch
    /// (415), DELETE answers with a Status, and items keep apiVersion/kind in lists.
    /// </summary>
    public bool IsCustom { get; init; }

    public bool StatusSubresource { get; init; }

    public ScaleSubresource? Scale { get; init; }

    /// <summary>metadata.generation is set to 1 on create and bumped on spec changes.</summary>
    public bool TracksGeneration { get; init; }

    /// <summary>Immediate DELETE answers with the deleted object instead of a Status (pods, services).</summary>
    public bool ReturnsDeletedObject { get; init; }

    /// <summary>MicroTime fields (dotted paths), parsed strictly: exactly six fractional digits.</summary>
    public IReadOnlyList<string> MicroTimeFields { get; init; } = [];

    public IReadOnlyList<TableColumn> Columns { get; init; } = [];

    /// <summary>A custom resource's openAPIV3Schema, for /openapi/v3 (kubectl explain); null publishes none.</summary>
    public JsonObject? Schema { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public string ListKind => Kind + "List";

    public override string ToString() => $"{GroupResource}/{Version}";
}

/// <summary>A column of the Table that kubectl asks for (server-side printing).</summary>
internal sealed record TableColumn(string Name, string Type, Func<JsonObject, DateTimeOffset, JsonNode?> Cell, string Format = "", int Priority = 0);
