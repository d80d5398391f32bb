namespace RwAutoscaler.Operator.Crd;

// Markers the CRD generator reads, the C# counterparts of kubebuilder's +kubebuilder:validation markers.

[AttributeUsage(AttributeTargets.Property)]
internal sealed class PatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

[AttributeUsage(AttributeTargets.Property)]
internal sealed class MinimumAttribute(long minimum) : Attribute
{
    public long Minimum { get; } = minimum;
}

[AttributeUsage(AttributeTargets.Property)]
internal sealed class MaximumAttribute(long maximum) : Attribute
{
    public long Maximum { get; } = maximum;
}

[AttributeUsage(AttributeTargets.Property)]
internal sealed class MaxLengthAttribute(int maxLength) : Attribute
{
    public int MaxLength { get; } = maxLength;
}

[AttributeUsage(AttributeTargets.Property)]
internal sealed class EnumAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}

/// <summary>A default the API server fills in, as JSON text (<c>"\"INFO\""</c>, <c>"false"</c>, <c>"{\"memory\":true}"</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class DefaultAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}

[AttributeUsage(AttributeTargets.Property)]
internal sealed class FormatAttribute(string format) : Attribute
{
    public string Format { get; } = format;
}

/// <summary>A list merged by key (<c>x-kubernetes-list-type: map</c>), such as node groups by name.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ListMapKeysAttribute(params string[] keys) : Attribute
{
    public IReadOnlyList<string> Keys { get; } = keys;
}

/// <summary>Marks a property the schema requires even though C# lets it be absent (it is validated, not assumed).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class RequiredInSchemaAttribute : Attribute;

/// <summary>What the CRD says about the kind itself: names, scope, subresources, printer columns.</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class CustomResourceAttribute(string group, string version, string plural) : Attribute
{
    public string Group { get; } = group;

    public string Version { get; } = version;

    public string Plural { get; } = plural;

    public string[] ShortNames { get; init; } = [];

    public string[] Categories { get; init; } = [];

    public bool StatusSubresource { get; init; }
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
internal sealed class PrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    public string Name { get; } = name;

    public string Type { get; } = type;

    public string JsonPath { get; } = jsonPath;

    /// <summary>Order of the column (attributes carry no order of their own).</summary>
    public int Order { get; init; }
}
