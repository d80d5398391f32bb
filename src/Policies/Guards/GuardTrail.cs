using System.Collections.Immutable;
using RwAutoscaler.Policies.Decisions;

namespace RwAutoscaler.Policies.Guards;

/// <summary>Collects the guard steps of one decision; allocates only when a guard actually intervenes.</summary>
internal struct GuardTrail
{
    private List<GuardStep>? _steps;

    public void Add(string guard, int before, int after, ExplanationTemplate template, Numbers numbers = default) =>
        (_steps ??= new List<GuardStep>(2)).Add(new GuardStep
        {
            Guard = guard,
            Before = before,
            After = after,
            Template = template,
            Numbers = numbers,
        });

    public readonly ImmutableArray<GuardStep> ToImmutable() => _steps is null ? [] : [.. _steps];
}
