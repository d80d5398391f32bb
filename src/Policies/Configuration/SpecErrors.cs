using System.Collections.Immutable;

namespace RwAutoscaler.Policies.Configuration;

/// <summary>One problem in a spec: where it is and what was expected.</summary>
public sealed record SpecError(string Path, string Message, int Line = 0, int Column = 0)
{
    /// <summary><c>compute.policies[1].targetUtilization: must be in (0, 1], got 1.4</c>, with the line when known.</summary>
    public override string ToString()
    {
        var where = Line > 0 ? $"line {Line}: " : "";
        var path = Path.Length > 0 ? $"{Path}: " : "";
        return $"{where}{path}{Message}";
    }
}

/// <summary>A spec that did not validate. Lists every error found, not only the first.</summary>
public sealed class SpecException : Exception
{
    public SpecException(string source, IEnumerable<SpecError> errors)
        : this(source, errors.ToImmutableArray())
    {
    }

    private SpecException(string source, ImmutableArray<SpecError> errors)
        : base(Describe(source, errors))
    {
        Source = source;
        Errors = errors;
    }

    public SpecException()
    {
        Errors = [];
    }

    public SpecException(string message) : base(message)
    {
        Errors = [];
    }

    public SpecException(string message, Exception innerException) : base(message, innerException)
    {
        Errors = [];
    }

    public ImmutableArray<SpecError> Errors { get; }

    private static string Describe(string source, ImmutableArray<SpecError> errors)
    {
        var prefix = string.IsNullOrEmpty(source) ? "" : source + ": ";
        return errors.Length == 1
            ? prefix + errors[0]
            : $"{prefix}{errors.Length} errors:\n  " + string.Join("\n  ", errors);
    }
}

/// <summary>Collects errors while a document is read, so that one pass reports all of them.</summary>
public sealed class SpecErrorList
{
    private readonly List<SpecError> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    public IReadOnlyList<SpecError> Errors => _errors;

    public void Add(string path, string message, ConfigNode? at = null) =>
        _errors.Add(new SpecError(path, message, at?.Line ?? 0, at?.Column ?? 0));

    public void ThrowIfAny(string source)
    {
        if (_errors.Count > 0)
        {
            throw new SpecException(source, _errors);
        }
    }
}
