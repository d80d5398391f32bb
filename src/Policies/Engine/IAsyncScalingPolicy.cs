using RwAutoscaler.Policies.Decisions;

namespace RwAutoscaler.Policies.Engine;

/// <summary>
/// A policy whose proposal comes from elsewhere (an external service): the engine's asynchronous path asks it without
/// blocking a thread. Its answer must depend only on the context, like any policy's, so that replays agree.
/// </summary>
public interface IAsyncScalingPolicy : IScalingPolicy
{
    ValueTask<Proposal> ProposeAsync(PolicyContext context, CancellationToken cancellationToken);
}
