namespace RwAutoscaler.Autoscaler.Resources.Schema;

/// <summary>The field takes one of these values (OpenAPI <c>enum</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class OneOfAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}

/// <summary>A string field matching this regular expression (OpenAPI <c>pattern</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class PatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>An integer field within these bounds (inclusive).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class RangeAttribute(long minimum, long maximum = long.MaxValue) : Attribute
{
    public long Minimum { get; } = minimum;

    public long Maximum { get; } = maximum;
}

/// <summary>The value the server fills in when the field is left out (OpenAPI <c>default</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class DefaultAttribute(object value) : Attribute
{
    public object Value { get; } = value;
}

/// <summary>A free-form object: the server keeps whatever it holds; our own parser validates it.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class)]
internal sealed class PreserveUnknownFieldsAttribute : Attribute;

/// <summary>A list keyed by these fields (<c>x-kubernetes-list-type: map</c>), as Kubernetes conditions are.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ListMapAttribute(params string[] keys) : Attribute
{
    public IReadOnlyList<string> Keys { get; } = keys;
}

/// <summary>At most this many items.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class MaxItemsAttribute(int count) : Attribute
{
    public int Count { get; } = count;
}
