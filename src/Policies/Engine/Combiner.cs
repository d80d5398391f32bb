using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;

namespace RwAutoscaler.Policies.Engine;

/// <summary>Combines the proposals of a component's policies into one recommendation.</summary>
internal static class Combiner
{
    /// <summary>The combined view: the recommendation, who set it, and the flags every guard needs.</summary>
    public readonly record struct Result(
        int Recommendation, int Winner, bool AnyOpinion, bool MetricsMissing, bool VetoScaleDown, int? MinReplicas, int? MaxReplicas);

    public static Result Combine(ReadOnlySpan<Proposal> proposals, Combine how, int current)
    {
        var recommendation = current;
        var winner = -1;
        bool missing = false, veto = false;
        int? min = null, max = null;
        var boundsTaken = false;
        for (var i = 0; i < proposals.Length; i++)
        {
            var proposal = proposals[i];
            missing |= proposal.MetricsMissing;
            veto |= proposal.VetoScaleDown;
            switch (proposal.Kind)
            {
                case ProposalKind.Bounds when !boundsTaken:
                    // The first schedule with an active window sets the bounds.
                    boundsTaken = true;
                    min = proposal.MinReplicas;
                    max = proposal.MaxReplicas;
                    break;
                case ProposalKind.Replicas:
                    var better = winner < 0 || how switch
                    {
                        Configuration.Combine.Max => proposal.Replicas > recommendation,
                        Configuration.Combine.Min => proposal.Replicas < recommendation,
                        _ => false, // priority: the first opinion stands
                    };
                    if (better)
                    {
                        recommendation = proposal.Replicas;
                        winner = i;
                    }

                    break;
            }
        }

        return new Result(recommendation, winner, winner >= 0, missing, veto, min, max);
    }
}
