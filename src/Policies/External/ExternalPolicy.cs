using System.Collections.Immutable;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.External;

/// <summary>
/// Asks the user's service. A timeout, an error or an answer outside [0, maxReplicas] is no opinion with metrics
/// missing: the engine holds (never scales down because of it), and the trail says why. The service's reason is
/// quoted in the trail with up to <see cref="Numbers.Capacity"/> of its numbers.
/// </summary>
internal sealed class ExternalPolicy(ExternalPolicySpec spec, IExternalPolicyClient client) : IAsyncScalingPolicy
{
    public string Name { get; } = spec.DisplayName;

    public TimeSpan SignalHorizon => spec.Window;

    // Hosts without an asynchronous path (the simulator's loop) wait here; a slow service slows them, never changes them.
    public Proposal Propose(in PolicyContext context) => ProposeAsync(context, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public async ValueTask<Proposal> ProposeAsync(PolicyContext context, CancellationToken cancellationToken)
    {
        var question = Question(context);
        ExternalAnswer answer;
        try
        {
            answer = await client.ProposeAsync(question, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return NoOpinion(Escape($"no answer from {spec.Endpoint.Authority}: {e.Message}; holding"));
        }

        if (answer.Replicas is { } replicas && (replicas < 0 || replicas > context.MaxReplicas))
        {
            return NoOpinion(Escape($"answered {replicas} replicas, outside [0, {context.MaxReplicas}]; holding"));
        }

        var numbers = answer.Numbers.Take(Numbers.Capacity).ToArray();
        var template = new ExplanationTemplate(
            Escape(answer.Reason) + string.Concat(numbers.Select((n, i) => $" ({Escape(n.Name)} {{{i}:0.###}})")),
            [.. numbers.Select(n => n.Name)]);
        var values = new double[Numbers.Capacity];
        for (var i = 0; i < numbers.Length; i++)
        {
            values[i] = numbers[i].Value;
        }

        return answer.Replicas is { } r
            ? new Proposal { Policy = Name, Kind = ProposalKind.Replicas, Replicas = r, Template = template, Numbers = new Numbers(values[0], values[1], values[2], values[3], values[4], values[5]) }
            : new Proposal { Policy = Name, Kind = ProposalKind.Abstain, Template = template, Numbers = new Numbers(values[0], values[1], values[2], values[3], values[4], values[5]) };
    }

    private Proposal NoOpinion(string format) => new()
    {
        Policy = Name,
        Kind = ProposalKind.Abstain,
        MetricsMissing = true,
        Template = new ExplanationTemplate(format),
    };

    private ExternalQuestion Question(in PolicyContext context)
    {
        var from = context.Now - spec.Window;
        var set = context.Component.Signals;
        var named = spec.Signals.IsDefaultOrEmpty
            ? [.. Enum.GetValues<Signal>().Select(s => (SignalRef)s), .. set.CustomSignals.Select(c => SignalRef.Custom(c.Name))]
            : spec.Signals;
        var windows = ImmutableArray.CreateBuilder<SentWindow>(named.Length);
        foreach (var signal in named)
        {
            var memory = set[signal].Memory;
            var span = memory.Span;
            var start = 0;
            while (start < span.Length && span[start].Time < from)
            {
                start++;
            }

            var end = span.Length;
            while (end > start && span[end - 1].Time > context.Now)
            {
                end--;
            }

            windows.Add(new SentWindow(signal.Name, UnitOf(signal, set), memory[start..end]));
        }

        return new ExternalQuestion
        {
            Policy = Name,
            Cluster = context.Cluster,
            Component = context.Key,
            Now = context.Now,
            CurrentReplicas = context.Current,
            ReadyReplicas = context.Component.ReadyReplicas,
            MaxReplicas = context.MaxReplicas,
            Parameters = spec.Parameters,
            Signals = windows.MoveToImmutable(),
        };
    }

    private static string UnitOf(SignalRef signal, SignalSet set)
    {
        if (signal.BuiltIn is { } builtIn)
        {
            return builtIn.Unit();
        }

        foreach (var custom in set.CustomSignals)
        {
            if (custom.Name == signal.Name)
            {
                return custom.Unit;
            }
        }

        return "";
    }

    // The service's text goes into a composite format: braces are literal there.
    private static string Escape(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
}
