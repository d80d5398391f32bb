using System.Collections.Immutable;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.External;

/// <summary>What an external policy is asked: one component of one cluster at one instant (the gRPC contract's ProposeRequest).</summary>
public sealed record ExternalQuestion
{
    public required string Policy { get; init; }

    /// <summary><c>namespace/name</c> of the RisingWave.</summary>
    public required string Cluster { get; init; }

    public required ComponentKey Component { get; init; }

    public required DateTimeOffset Now { get; init; }

    public required int CurrentReplicas { get; init; }

    public required int ReadyReplicas { get; init; }

    public required int MaxReplicas { get; init; }

    public required ImmutableSortedDictionary<string, string> Parameters { get; init; }

    /// <summary>The signal windows sent, catalogue and custom, oldest sample first.</summary>
    public required ImmutableArray<SentWindow> Signals { get; init; }
}

/// <summary>One signal window in a question: the signal's name and unit, and its samples.</summary>
public readonly record struct SentWindow(string Name, string Unit, ReadOnlyMemory<Sample> Samples);

/// <summary>An external policy's answer: replicas, or no opinion; its reason and its own numbers for the trail.</summary>
public sealed record ExternalAnswer(int? Replicas, string Reason, ImmutableArray<(string Name, double Value)> Numbers);

/// <summary>One connection to an external policy service; the host's transport (gRPC) is behind it.</summary>
public interface IExternalPolicyClient
{
    /// <summary>The answer, or an exception when there is none (timeout, error, refused): the policy then has no opinion.</summary>
    Task<ExternalAnswer> ProposeAsync(ExternalQuestion question, CancellationToken cancellationToken);
}

/// <summary>Makes the client of an external policy's endpoint; hosts share one per endpoint, which bounds its concurrency.</summary>
public interface IExternalPolicyConnector
{
    IExternalPolicyClient Connect(ExternalPolicySpec spec);
}
