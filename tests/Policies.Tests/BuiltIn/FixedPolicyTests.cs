using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.BuiltIn;

public sealed class FixedPolicyTests
{
    [Theory]
    [InlineData(0, 3)]
    [InlineData(5, 3)]
    [InlineData(5, 9)]
    public void Always_proposes_its_count(int replicas, int current)
    {
        var proposal = Build.Policy($"type: fixed\nreplicas: {replicas}").Propose(Build.Context(Build.Component(ComponentKind.Compute, current)));

        Assert.Equal(ProposalKind.Replicas, proposal.Kind);
        Assert.Equal(replicas, proposal.Replicas);
        Assert.Equal($"fixed at {replicas}", proposal.Explain());
    }

    [Theory]
    [InlineData("type: fixed", "compute.policies[0].replicas: is required: an integer in [0, 10000]")]
    [InlineData("type: fixed\nreplicas: -1", "compute.policies[0].replicas: must be an integer in [0, 10000], got -1")]
    [InlineData("type: fixed\nreplicas: two", "compute.policies[0].replicas: must be an integer in [0, 10000], got 'two'")]
    public void Needs_a_count(string yaml, string message)
    {
        var error = Assert.Throws<Policies.Configuration.SpecException>(() => Build.Policy(yaml));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
